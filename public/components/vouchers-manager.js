// The vouchers of one event for its organizer: create one of the three kinds, see each with
// its uses, delete. Amounts are typed in major units and sent in minor units.

import { html, render } from '../lib/html.js';
import { api, path } from '../api.js';
import { formatMoney, toMinorUnits } from '../lib/format.js';
import { errorBox, busy } from './ui.js';

const KINDS = { percentOff: 'Percent off', amountOff: 'Amount off', price: 'Fixed price' };

export class VouchersManager {
  /** `el`: the section to fill; `event`: the event (for its currency). */
  constructor(el, { venueId, event, signal }) {
    this.el = el;
    this.event = event;
    this.base = path('api', 'venues', venueId, 'events', event.id, 'vouchers');
    this.signal = signal;
    this.onSubmit = (e) => { e.preventDefault(); this.create(e.target); };
    this.onClick = (e) => { if (e.target.dataset.deleteVoucher) this.remove(e.target); };
    el.addEventListener('submit', this.onSubmit);
    el.addEventListener('click', this.onClick);
    this.load();
  }

  destroy() {
    this.el.removeEventListener('submit', this.onSubmit);
    this.el.removeEventListener('click', this.onClick);
  }

  describe(v) {
    const money = (n) => formatMoney(n, this.event.currency);
    const what = v.percentOff != null ? `${v.percentOff} % off` : v.amountOff != null ? `${money(v.amountOff)} off` : `${money(v.price)} each`;
    const where = v.sections.length ? ` · ${v.sections.join(', ')}` : '';
    return `${what}${where}`;
  }

  async load(message = '') {
    try {
      const { vouchers } = await api(this.base, { signal: this.signal });
      render(this.el, html`
        <h2 id="vouchers-title">Vouchers</h2>
        <ul class="sel-list" data-test="voucher-list" aria-labelledby="vouchers-title">
          ${vouchers.map((v) => html`<li data-test="voucher" data-code="${v.code}"><span><strong>${v.code}</strong> ${this.describe(v)}</span>
            <span data-test="voucher-uses">${v.uses}${v.maxUses ? ` / ${v.maxUses}` : ''} used</span>
            <button type="button" class="link-btn" data-delete-voucher="${v.code}" aria-label="Delete voucher ${v.code}">Delete</button></li>`)}
        </ul>
        <form class="voucher-new" data-test="voucher-new" novalidate>
          <label>Code <input name="code" required maxlength="40" pattern="[A-Za-z0-9_-]+" data-test="voucher-new-code"></label>
          <label>Kind <select name="kind" data-test="voucher-new-kind">
            ${Object.entries(KINDS).map(([value, label]) => html`<option value="${value}">${label}</option>`)}</select></label>
          <label>Value (% or ${this.event.currency}) <input name="value" type="number" min="0" step="any" required data-test="voucher-new-value"></label>
          <label>Sections (comma separated, empty for all) <input name="sections" data-test="voucher-new-sections"></label>
          <label>Maximum uses <input name="maxUses" type="number" min="1" data-test="voucher-new-max"></label>
          <button type="submit" class="btn" data-test="voucher-create">Create voucher</button>
        </form>
        <div class="msg" data-region="voucher-msg">${message}</div>`);
    } catch (e) {
      if (e.name !== 'AbortError') render(this.el, errorBox(e));
    }
  }

  async create(form) {
    const f = form.elements;
    const kind = f.kind.value;
    const text = f.value.value.trim();
    const value = kind === 'percentOff' ? Number.parseInt(text, 10) : toMinorUnits(text, this.event.currency);
    const body = { code: f.code.value.trim(), [kind]: value };
    const sections = f.sections.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (sections.length) body.sections = sections;
    if (f.maxUses.value) body.maxUses = Number(f.maxUses.value);
    await busy(form.querySelector('[data-test="voucher-create"]'), 'Creating…', async () => {
      try {
        await api(this.base, { method: 'POST', body });
        await this.load();
      } catch (e) {
        render(this.el.querySelector('[data-region="voucher-msg"]'), errorBox(e));
      }
    });
  }

  async remove(button) {
    try {
      await api(`${this.base}/${encodeURIComponent(button.dataset.deleteVoucher)}`, { method: 'DELETE' });
      await this.load();
    } catch (e) {
      render(this.el.querySelector('[data-region="voucher-msg"]'), errorBox(e));
    }
  }
}
