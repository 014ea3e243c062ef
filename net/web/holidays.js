// Holidays: a day whose center sessions move to another date or are cancelled. Listed
// from a month back to a year ahead; adding one moves or cancels that day's requests,
// removing one brings them back.
import { t, h, clear, showError, flash } from './common.js';

function weekday(date) {
  const d = new Date(`${date}T12:00:00Z`).getUTCDay();
  return t(`weekday.${d === 0 ? 7 : d}`);
}

export async function holidaysView(ctx, root) {
  const { api } = ctx;
  const status = h('div', { class: 'notice', hidden: true, role: 'status', 'data-testid': 'holiday-status' });
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'holiday-error' });
  const list = h('div', { class: 'table-wrap', 'data-testid': 'holiday-list' });
  const date = h('input', { type: 'date', name: 'date', required: true, 'data-field': 'date', 'data-testid': 'holiday-date' });
  const kind = h('select', { name: 'kind', 'data-field': 'closed', 'data-testid': 'holiday-kind' },
    h('option', { value: 'closed' }, t('holiday.closed')), h('option', { value: 'move' }, t('holiday.move')));
  const moveTo = h('input', { type: 'date', name: 'move_to', 'data-field': 'move_to', 'data-testid': 'holiday-move-to', disabled: true });
  kind.addEventListener('change', () => { moveTo.disabled = kind.value !== 'move'; });
  const form = h('form', { class: 'card', 'data-testid': 'holiday-form' },
    h('h3', {}, t('holiday.add')),
    h('p', { class: 'hint' }, t('holiday.hint')),
    h('label', { class: 'inline' }, t('holiday.date'), date),
    h('label', { class: 'inline' }, t('holiday.kind'), kind),
    h('label', { class: 'inline' }, t('holiday.move_to'), moveTo),
    box,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'holiday-save' }, t('common.save'))));
  root.append(h('h2', {}, t('nav.holidays')), status, form, list);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = kind.value === 'move' ? { move_to: moveTo.value || null } : { closed: true };
    if (body.move_to === null) delete body.move_to;
    try {
      const answer = await api.put(`/api/v1/holidays/${date.value}`, body);
      showError(null, box, form);
      const r = answer.requests || {};
      flash(status, t('holiday.saved', { date: answer.date, n: (r.updated || 0) + (r.created || 0) + (r.removed || 0) }));
      date.value = '';
      await load();
    } catch (err) { showError(err, box, form); }
  });

  async function load() {
    clear(list);
    let items;
    try { items = (await api.get('/api/v1/holidays')).items; } catch (err) { showError(err, box); return; }
    if (!items.length) { list.append(h('p', { class: 'empty' }, t('holiday.none'))); return; }
    list.append(h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, [t('holiday.date'), t('holiday.kind'), ''].map((c) => h('th', {}, c)))),
      h('tbody', {}, items.map((x) => h('tr', { 'data-holiday': x.date },
        h('td', {}, `${x.date} ${weekday(x.date)}`),
        h('td', {}, x.closed ? t('holiday.closed') : t('holiday.moved_to', { date: `${x.move_to} ${weekday(x.move_to)}` })),
        h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small', 'data-testid': `holiday-remove-${x.date}`, onclick: async () => {
          try {
            await api.del(`/api/v1/holidays/${x.date}`);
            flash(status, t('holiday.removed', { date: x.date }));
            await load();
          } catch (err) { showError(err, box); }
        } }, t('common.remove'))))))));
  }
  await load();
}
