// A patient's suspensions (in hospital, travelling): no rides are made for those days,
// the rides already made are cancelled, and they resume by themselves afterwards.
// Removing one before its days gives the rides back.
import { t, h, clear, showError, flash } from './common.js';

export function suspensionsCard(api, patient) {
  const base = `/api/v1/patients/${patient.id}/suspensions`;
  const status = h('div', { class: 'notice', hidden: true, role: 'status', 'data-testid': 'suspension-status' });
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'suspension-error' });
  const list = h('div', { 'data-testid': 'suspension-list' });
  const form = h('form', { class: 'inline-form', 'data-testid': 'suspension-form' },
    h('label', { class: 'inline' }, t('field.from'), h('input', { type: 'date', name: 'from', required: true, 'data-field': 'from', 'data-testid': 'suspension-from' })),
    h('label', { class: 'inline' }, t('field.to'), h('input', { type: 'date', name: 'to', required: true, 'data-field': 'to', 'data-testid': 'suspension-to' })),
    h('label', { class: 'inline' }, t('field.reason'), h('input', { name: 'reason', 'data-field': 'reason', 'data-testid': 'suspension-reason', placeholder: t('suspension.reason_hint') })),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'suspension-add' }, t('suspension.add')), box);
  const card = h('div', { class: 'card', 'data-testid': 'suspensions' },
    h('h3', {}, t('suspension.title', { name: patient.name })),
    h('p', { class: 'hint' }, t('suspension.hint')),
    status, list, form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const el = form.elements;
    try {
      const answer = await api.post(base, { from: el.from.value, to: el.to.value, reason: el.reason.value });
      showError(null, box, form);
      flash(status, t('suspension.added', { n: answer.cancelled.length }));
      form.reset();
      await load();
    } catch (err) { showError(err, box, form); }
  });

  async function load() {
    clear(list);
    let items;
    try { items = (await api.get(base)).items; } catch (err) { showError(err, box); return; }
    if (!items.length) { list.append(h('p', { class: 'empty' }, t('suspension.none'))); return; }
    list.append(h('ul', {}, items.map((s) => h('li', { 'data-suspension': s.id },
      t('suspension.entry', { from: s.from, to: s.to, reason: s.reason }), ' ',
      h('button', { type: 'button', class: 'small', 'data-testid': `suspension-remove-${s.id}`, onclick: async () => {
        try {
          const answer = await api.del(`${base}/${s.id}`);
          flash(status, t('suspension.removed', { n: answer.restored.length + answer.created }));
          await load();
        } catch (err) { showError(err, box); }
      } }, t('common.remove'))))));
  }
  load();
  return card;
}
