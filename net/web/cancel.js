// Cancelling a period of the board's day at once (a snow day): count first, confirm the
// count, then one write; and the day's period cancellations with *Restore* (on their day).
import { t, tv, h, clear, showError, flash, fmtTime, uuid } from './common.js';

const REASONS = ['weather', 'holiday', 'patient', 'late_cancel', 'other'];

async function centers(api) {
  try {
    const page = await api.get('/api/v1/places', { query: { active: 'true', limit: 500 } });
    return page.items.filter((p) => p.kind === 'dialysis_center' || p.kind === 'hospital');
  } catch { return []; }
}

// The dialog: times and center are optional; the count must be seen before confirming,
// and any change asks for a new count.
export async function periodForm(ctx, date, done) {
  const { api } = ctx;
  const err = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'period-error' });
  const countBox = h('div', { class: 'notice', hidden: true, role: 'status', 'data-testid': 'period-count-text' });
  const from = h('input', { type: 'time', name: 'from', 'data-field': 'from', 'data-testid': 'period-from' });
  const to = h('input', { type: 'time', name: 'to', 'data-field': 'to', 'data-testid': 'period-to' });
  const place = h('select', { name: 'place_id', 'data-field': 'place_id', 'data-testid': 'period-place' },
    h('option', { value: '' }, t('period.all_centers')),
    (await centers(api)).map((p) => h('option', { value: String(p.id) }, p.name)));
  const reason = h('select', { name: 'reason', 'data-field': 'reason', 'data-testid': 'period-reason' },
    REASONS.map((c) => h('option', { value: c }, tv('cancel', c))));
  const note = h('input', { name: 'note', 'data-field': 'note', 'data-testid': 'period-note', placeholder: t('board.cancel_note') });
  const countBtn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'period-count' }, t('period.count'));
  const confirmBtn = h('button', { type: 'button', class: 'danger', hidden: true, 'data-testid': 'period-confirm' });
  const form = h('form', { class: 'card', 'data-testid': 'period-form' },
    h('h3', {}, t('period.title', { date })),
    h('p', { class: 'hint' }, t('period.hint')),
    h('label', { class: 'inline' }, t('field.from'), from),
    h('label', { class: 'inline' }, t('field.to'), to),
    h('label', {}, t('period.center'), place),
    h('label', {}, t('field.reason'), reason),
    h('label', {}, t('field.note'), note),
    err, countBox,
    h('div', { class: 'buttons' }, countBtn, confirmBtn, h('button', { type: 'button', onclick: () => form.remove() }, t('common.close'))));

  let counted = null;
  const order = () => {
    const body = { date, reason: reason.value };
    if (from.value) body.from = from.value;
    if (to.value) body.to = to.value;
    if (place.value) body.place_id = Number(place.value);
    if (note.value) body.note = note.value;
    return body;
  };
  const forget = () => { counted = null; confirmBtn.hidden = true; countBox.hidden = true; };
  for (const el of [from, to, place, reason]) el.addEventListener('change', forget);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const answer = await api.post('/api/v1/cancel-batches', { ...order(), dry_run: true });
      showError(null, err, form);
      counted = answer.count;
      flash(countBox, t('period.will_cancel', { n: counted, date }));
      confirmBtn.textContent = t('period.confirm', { n: counted });
      confirmBtn.hidden = counted === 0;
    } catch (e2) { forget(); showError(e2, err, form); }
  });
  confirmBtn.addEventListener('click', async () => {
    if (counted === null) return;
    confirmBtn.disabled = true;
    try {
      const answer = await api.post('/api/v1/cancel-batches', { ...order(), expected_count: counted }, { key: uuid() });
      form.remove();
      done(t('period.done', { n: answer.count, id: answer.batch.id }));
    } catch (e2) {
      forget();
      showError(e2, err, form);
    } finally { confirmBtn.disabled = false; }
  });
  return form;
}

// The day's period cancellations, each with *Restore* while it can be.
export async function batchesSection(ctx, date, el, changed) {
  const { api } = ctx;
  clear(el);
  let batches = [];
  try { batches = (await api.get('/api/v1/cancel-batches', { query: { date } })).items; } catch { batches = []; }
  el.hidden = !batches.length;
  if (!batches.length) return;
  const err = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'batch-error' });
  el.append(h('h3', {}, t('period.list')), err, h('ul', {}, batches.map((b) => {
    const span = b.from || b.to ? `${b.from || '00:00'}–${b.to || '24:00'}` : t('period.whole_day');
    const restorable = !b.restored_at && b.still_cancelled.length > 0;
    return h('li', { 'data-batch': b.id },
      t('period.entry', { span, reason: tv('cancel', b.reason), n: b.count, who: b.created_by, at: fmtTime(b.created_at) }),
      b.note ? ` · ${b.note}` : '', ' ',
      b.restored_at ? h('span', { class: 'badge' }, t('period.restored_at', { at: fmtTime(b.restored_at) })) : '',
      restorable ? h('button', { type: 'button', class: 'small', 'data-testid': `restore-batch-${b.id}`, onclick: async () => {
        try {
          const answer = await api.post(`/api/v1/cancel-batches/${b.id}/restore`, {}, { key: uuid() });
          changed(t('period.restored', { n: answer.restored.length }));
        } catch (e2) { showError(e2, err); }
      } }, t('period.restore')) : '');
  })));
}
