// The panel beside the seat map: what is selected, GA quantities, the running total,
// then the hold (with its countdown), payment and release.

import { html, render } from '../lib/html.js';
import { api, path, uuid, serverNow } from '../api.js';
import { formatMoney, formatCountdown } from '../lib/format.js';
import { currentUser } from '../lib/session.js';
import { rememberBooking } from '../lib/cache.js';
import { href } from '../lib/links.js';
import { errorBox, notice, busy } from './ui.js';

const MAX_PER_HOLD = 100; // API.md: at most 100 seats or GA places per hold

// Selections survive a detour through the sign-in page (memory only, per event).
const drafts = new Map();

function storageKey(venueId, eventId) {
  const user = currentUser();
  return user ? `booking.hold.${user.id}.${venueId}.${eventId}` : null;
}

export class BookingPanel {
  /**
   * queue: null for an event without a waiting room in force, else {pass, expiresAt}
   * (the buyer's admission) or {pass: null} (holds need the waiting room first).
   */
  constructor(el, { ctx, event, venue, map, seatsData, sectionNames, canBook, resync, onSummary, queue = null }) {
    this.el = el;
    this.queue = queue;
    this.waitingRoom = href('events', venue.id, event.id, 'queue');
    this.onSummary = onSummary || (() => {});
    this.ctx = ctx;
    this.event = event;
    this.venue = venue;
    this.map = map;
    this.names = sectionNames;
    this.canBook = canBook;
    this.resync = resync;
    this.currency = event.currency;
    this.ga = new Map(seatsData.ga.map((g) => [g.section, { ...g }]));
    this.qty = new Map();
    this.limit = Math.min(MAX_PER_HOLD, event.maxTicketsPerCustomer || MAX_PER_HOLD);
    this.draftKey = venue.id + '/' + event.id;
    this.hold = this.restoreHold();

    const draft = drafts.get(this.draftKey);
    if (draft && !this.hold) {
      for (const id of draft.seats) if (map && map.state(id) === 'available') map.setSelected(id, true);
      for (const [section, n] of draft.ga) if (this.ga.has(section)) this.qty.set(section, n);
    }
    if (this.hold && map) map.setMine(this.hold.seats);

    this.onClick = (e) => this.click(e);
    this.onInput = (e) => this.input(e);
    this.onSubmit = (e) => {
      e.preventDefault();
      if (e.target.dataset.test === 'voucher-form') this.applyVoucher(e.target);
      else this.pay(e.target);
    };
    el.addEventListener('click', this.onClick);
    el.addEventListener('input', this.onInput);
    el.addEventListener('submit', this.onSubmit);
    this.timer = setInterval(() => this.tick(), 1000);
    this.render();
  }

  destroy() {
    clearInterval(this.timer);
    this.el.removeEventListener('click', this.onClick);
    this.el.removeEventListener('input', this.onInput);
    this.el.removeEventListener('submit', this.onSubmit);
  }

  // ---- hold persistence (sessionStorage: a hold id is no secret, unlike the session token) ----

  restoreHold() {
    const key = storageKey(this.venue.id, this.event.id);
    if (!key) return null;
    try {
      const hold = JSON.parse(sessionStorage.getItem(key) || 'null');
      if (hold && Date.parse(hold.expiresAt) > serverNow()) return hold;
      sessionStorage.removeItem(key);
    } catch { /* storage unavailable: the hold lives in memory only */ }
    return null;
  }

  setHold(hold) {
    this.hold = hold;
    const key = storageKey(this.venue.id, this.event.id);
    try {
      if (key && hold) sessionStorage.setItem(key, JSON.stringify(hold));
      else if (key) sessionStorage.removeItem(key);
    } catch { /* ignore */ }
    if (this.map) this.map.setMine(hold ? hold.seats : []);
  }

  // ---- rendering ----------------------------------------------------------------------

  seatLabel(id) {
    const s = this.map?.seat(id);
    if (!s) return id;
    return `${this.names[s.section] || s.section} · row ${s.row} · seat ${s.number}`;
  }

  selectedSeats() { return this.map ? [...this.map.selected] : []; }

  count() {
    let n = this.selectedSeats().length;
    for (const q of this.qty.values()) n += q;
    return n;
  }

  total() {
    let t = 0;
    for (const id of this.selectedSeats()) t += this.map.seat(id)?.price || 0;
    for (const [section, q] of this.qty) t += (this.ga.get(section)?.price || 0) * q;
    return t;
  }

  render() {
    if (this.hold) this.renderHeld();
    else this.renderChoose();
  }

  renderChoose() {
    const gaList = [...this.ga.values()];
    render(this.el, html`
      <h2>Your tickets</h2>
      ${this.passLine()}
      <div class="msg" data-region="msg"></div>
      ${this.map ? html`<div data-region="selection"></div>` : ''}
      ${gaList.length ? html`
        <h3>General admission</h3>
        <div class="ga-list">${gaList.map((g) => this.gaRow(g))}</div>` : ''}
      <div class="total-row"><span>Total</span><strong data-test="total" data-region="total"></strong></div>
      <div data-region="actions"></div>
      <p class="hint">Up to ${this.limit} tickets per order. Seats are held for you for a few minutes while you pay.</p>`);
    this.update();
  }

  gaRow(g) {
    const name = this.names[g.section] || g.section;
    const q = this.qty.get(g.section) || 0;
    const disabled = !this.canBook || g.available === 0;
    return html`
      <div class="ga-row" data-test="ga-section" data-section="${g.section}">
        <div class="ga-info">
          <strong>${name}</strong> <span>${formatMoney(g.price, this.currency)}</span>
          <span class="muted" data-ga-available="${g.section}">${this.gaAvailableText(g)}</span>
        </div>
        <div class="stepper">
          <button type="button" class="icon-btn" data-step="-1" data-section="${g.section}" aria-label="${`One fewer ${name} ticket`}" ${disabled ? html`disabled` : ''}>−</button>
          <input type="number" inputmode="numeric" min="0" max="${Math.min(g.available, this.limit)}" value="${q}"
                 data-ga-qty="${g.section}" data-test="ga-qty" aria-label="${`${name} tickets`}" ${disabled ? html`disabled` : ''}>
          <button type="button" class="icon-btn" data-step="1" data-section="${g.section}" aria-label="${`One more ${name} ticket`}" ${disabled ? html`disabled` : ''}>+</button>
        </div>
      </div>`;
  }

  gaAvailableText(g) {
    return g.available === 0 ? 'sold out' : `${g.available} left`;
  }

  region(name) { return this.el.querySelector(`[data-region="${name}"]`); }

  /** Refreshes selection, total and the action button (not the GA inputs being typed in). */
  update() {
    const sel = this.region('selection');
    if (sel) {
      const ids = this.selectedSeats();
      render(sel, ids.length
        ? html`<ul class="sel-list" data-test="selection">${ids.map((id) => html`
            <li data-test="selected-seat" data-id="${id}">
              <span>${this.seatLabel(id)}</span>
              <span class="sel-price">${formatMoney(this.map.seat(id).price, this.currency)}</span>
              <button type="button" class="icon-btn" data-remove="${id}" aria-label="${`Remove ${this.seatLabel(id)}`}">×</button>
            </li>`)}</ul>`
        : html`<p class="muted" data-test="selection-empty">Pick seats on the map${this.ga.size ? ', or choose a quantity below' : ''}.</p>`);
    }
    const n = this.count();
    this.onSummary({ count: n, total: this.total(), currency: this.currency, held: false });
    const total = this.region('total');
    if (total) total.textContent = formatMoney(this.total(), this.currency);
    const actions = this.region('actions');
    if (!actions) return;
    if (!this.canBook) {
      render(actions, html`<p class="muted">Tickets for this event are not on sale.</p>`);
    } else if (this.queue && !this.queue.pass) {
      render(actions, html`<a class="btn btn-primary btn-block" href="${this.waitingRoom}" data-test="to-queue">Join the waiting room to book</a>
        <p class="hint">Buyers are let in from the waiting room in turn; the seat map stays open to look at.</p>`);
    } else if (!currentUser()) {
      const next = encodeURIComponent(location.hash);
      render(actions, html`
        <a class="btn btn-primary btn-block" href="${`#/signin?next=${next}`}" data-test="signin-to-hold">Sign in to hold ${n ? `${n} ticket${n === 1 ? '' : 's'}` : 'tickets'}</a>
        <p class="hint">New here? <a href="${`#/signup?next=${next}`}">Create an account</a>; your selection is kept.</p>`);
    } else {
      render(actions, html`<button type="button" class="btn btn-primary btn-block" data-action="hold" data-test="hold" ${n ? '' : html`disabled`}>
        ${n ? `Hold ${n} ticket${n === 1 ? '' : 's'}` : 'Hold tickets'}</button>
        ${this.map ? this.bestPicker() : ''}`);
    }
  }

  // "N seats together": the venue picks adjacent seats in one row, best first, in one hold.
  bestPicker() {
    const max = Math.min(this.limit, 10);
    return html`<div class="best-available" data-test="best-available">
      <label>Seats together
        <select data-test="best-qty" data-region="best-qty">${Array.from({ length: max }, (_, i) => html`<option value="${i + 1}" ${i === 1 && max > 1 ? html`selected` : ''}>${i + 1}</option>`)}</select></label>
      <button type="button" class="btn btn-block" data-action="best" data-test="best">Hold the best available</button>
    </div>`;
  }

  renderHeld() {
    const h = this.hold;
    this.onSummary({ count: h.seats.length + h.ga.reduce((n, g) => n + g.quantity, 0), total: h.total, currency: h.currency, held: true });
    render(this.el, html`
      <h2>Held for you</h2>
      <div class="countdown" data-test="countdown-box">
        <span>Time left to pay</span>
        <strong class="countdown-time" data-test="countdown" aria-live="off">${formatCountdown(Date.parse(h.expiresAt) - serverNow())}</strong>
        <div class="bar" aria-hidden="true"><div class="bar-fill" data-region="bar"></div></div>
      </div>
      ${this.passLine()}
      <ul class="sel-list" data-test="hold-items">
        ${h.seats.map((id) => html`<li data-test="held-seat" data-id="${id}"><span>${this.seatLabel(id)}</span>
          <span class="sel-price">${this.map?.seat(id) ? formatMoney(this.map.seat(id).price, h.currency) : ''}</span></li>`)}
        ${h.ga.map((g) => html`<li data-test="held-ga"><span>${g.quantity} × ${this.names[g.section] || g.section}</span>
          <span class="sel-price">${this.ga.get(g.section) ? formatMoney(this.ga.get(g.section).price * g.quantity, h.currency) : ''}</span></li>`)}
      </ul>
      ${h.voucher ? html`<div class="total-row" data-test="hold-discount"><span>Voucher ${h.voucher.code}</span>
        <span>−${formatMoney(h.voucher.discount, h.currency)}</span></div>` : ''}
      <div class="total-row"><span>Total</span><strong data-test="hold-total">${formatMoney(h.total, h.currency)}</strong></div>
      <form class="voucher-form" data-test="voucher-form" novalidate>
        <label for="voucher-code">Voucher code</label>
        <input id="voucher-code" name="voucher" maxlength="40" autocomplete="off" spellcheck="false" data-test="voucher-code"
          value="${h.voucher?.code || ''}">
        <button type="submit" class="btn btn-quiet" data-test="apply-voucher">Apply</button>
      </form>
      <div class="msg" data-region="msg"></div>
      <form class="pay-form" data-test="pay-form" novalidate>
        <label>Test card
          <input name="token" value="tok_visa" autocomplete="off" spellcheck="false" data-test="card-token" aria-describedby="token-hint">
        </label>
        <p class="hint" id="token-hint">Simulated payment: any token is accepted, <code>tok_decline</code> is declined.</p>
        <button type="submit" class="btn btn-primary btn-block" data-test="pay">Pay ${formatMoney(h.total, h.currency)}</button>
      </form>
      <button type="button" class="btn btn-quiet btn-block" data-action="release" data-test="release">Release these seats</button>`);
    this.tick();
  }

  /** The admission's remaining time, while the waiting room's pass runs. */
  passLine() {
    if (!this.queue?.pass) return '';
    return html`<p class="pass-line" data-test="pass-box">Your turn from the waiting room:
      <strong data-test="pass-countdown">${formatCountdown(Date.parse(this.queue.expiresAt) - serverNow())}</strong> left to hold tickets</p>`;
  }

  message(template) {
    const msg = this.region('msg');
    if (msg) render(msg, template);
  }

  hint(text) { this.message(notice(text, 'info', 'hint')); }

  error(err, text) {
    this.message(errorBox(err, text));
  }

  // ---- input ----------------------------------------------------------------------------

  click(e) {
    const remove = e.target.closest('[data-remove]');
    if (remove) return this.toggleSeat(remove.dataset.remove);
    const step = e.target.closest('[data-step]');
    if (step) return this.setQty(step.dataset.section, (this.qty.get(step.dataset.section) || 0) + Number(step.dataset.step), true);
    const action = e.target.closest('[data-action]');
    if (action?.dataset.action === 'hold') return this.makeHold(action);
    if (action?.dataset.action === 'best') return this.makeHold(action, { best: { quantity: Number(this.region('best-qty').value) } });
    if (action?.dataset.action === 'release') return this.release(action);
    return undefined;
  }

  input(e) {
    const section = e.target.dataset.gaQty;
    if (section) this.setQty(section, Number.parseInt(e.target.value, 10) || 0, false);
  }

  setQty(section, n, fromButton) {
    const g = this.ga.get(section);
    if (!g) return;
    const others = this.count() - (this.qty.get(section) || 0);
    const max = Math.max(0, Math.min(g.available, this.limit - others));
    const q = Math.max(0, Math.min(max, n));
    if (n > max) this.hint(n > g.available ? `Only ${g.available} left in ${this.names[section] || section}.` : `At most ${this.limit} tickets per order.`);
    if (q) this.qty.set(section, q); else this.qty.delete(section);
    const input = this.el.querySelector(`[data-ga-qty="${CSS.escape(section)}"]`);
    // While typing, leave the field alone unless the value had to be clamped.
    if (input && (fromButton || String(q) !== input.value)) input.value = String(q);
    this.saveDraft();
    this.update();
  }

  toggleSeat(id) {
    if (!this.map) return;
    if (this.hold) {
      this.hint('You have seats on hold. Pay for them or release them to pick different seats.');
      return;
    }
    if (!this.canBook) {
      this.hint('Tickets for this event are not on sale.');
      return;
    }
    const on = !this.map.selected.has(id);
    if (on && this.count() >= this.limit) {
      this.hint(`At most ${this.limit} tickets per order.`);
      return;
    }
    this.map.setSelected(id, on);
    this.message('');
    this.saveDraft();
    this.update();
  }

  saveDraft() {
    drafts.set(this.draftKey, { seats: this.selectedSeats(), ga: [...this.qty] });
  }

  // ---- live updates -----------------------------------------------------------------------

  applySnapshot(data) {
    this.applySeatStates(data.seats);
    this.applyGa(data.ga || []);
  }

  applyChange(m) {
    this.applySeatStates(m.seats || []);
    this.applyGa(m.ga || []);
  }

  // A seat someone else just took cannot stay in our selection.
  applySeatStates(list) {
    if (!this.map || !this.map.selected.size) return;
    const lost = list.filter((s) => s.state !== 'available' && this.map.selected.has(s.id)).map((s) => s.id);
    if (!lost.length) return;
    lost.forEach((id) => this.map.setSelected(id, false));
    this.saveDraft();
    this.update();
    this.hint(`${lost.map((id) => this.seatLabel(id)).join(', ')} ${lost.length === 1 ? 'was' : 'were'} just taken by someone else.`);
  }

  applyGa(list) {
    for (const { section, available } of list) {
      const g = this.ga.get(section);
      if (!g || typeof available !== 'number') continue;
      g.available = available;
      const label = this.el.querySelector(`[data-ga-available="${CSS.escape(section)}"]`);
      if (label) label.textContent = this.gaAvailableText(g);
      const input = this.el.querySelector(`[data-ga-qty="${CSS.escape(section)}"]`);
      if (input) input.max = String(Math.min(available, this.limit));
      if (!this.hold && (this.qty.get(section) || 0) > available) this.setQty(section, available, true);
    }
  }

  // ---- hold, pay, release ---------------------------------------------------------------------

  /** Holds the selection, or `body` when given (best available). */
  async makeHold(button, body = this.selectionBody()) {
    if (!body) return;
    await busy(button, 'Holding…', async () => {
      try {
        const r = await api(path('api', 'venues', this.venue.id, 'events', this.event.id, 'holds'), {
          method: 'POST', body, idempotencyKey: uuid(), // a new key per attempt
          headers: this.queue?.pass ? { 'Queue-Pass': this.queue.pass } : undefined,
        });
        if (!this.ctx.active) return;
        for (const id of r.hold.seats) this.map?.setState(id, 'held');
        this.map?.clearSelection();
        this.qty.clear();
        drafts.delete(this.draftKey);
        this.setHold({ ...r.hold, heldAt: serverNow() });
        this.render();
        this.el.querySelector('[data-test="pay"]')?.focus();
        this.resync();
      } catch (e) {
        if (this.ctx.active) this.holdFailed(e);
      }
    });
  }

  /** The hold body of what is selected, or null when nothing is. */
  selectionBody() {
    const seats = this.selectedSeats();
    const ga = [...this.qty].filter(([, q]) => q > 0).map(([section, quantity]) => ({ section, quantity }));
    if (!seats.length && !ga.length) return null;
    const body = {};
    if (seats.length) body.seats = seats;
    if (ga.length) body.ga = ga;
    return body;
  }

  /**
   * Re-prices the hold with a voucher code: a hold cannot change, so it is released and the
   * same seats and places are held again with the code (or, if the code is refused, without).
   */
  async applyVoucher(form) {
    const hold = this.hold;
    const code = form.elements.voucher.value.trim();
    if (!hold || !code) return;
    const items = { seats: hold.seats, ga: hold.ga.map(({ section, quantity }) => ({ section, quantity })) };
    const holds = path('api', 'venues', this.venue.id, 'events', this.event.id, 'holds');
    const headers = this.queue?.pass ? { 'Queue-Pass': this.queue.pass } : undefined;
    await busy(form.querySelector('[data-test="apply-voucher"]'), 'Applying…', async () => {
      try {
        await api(path('api', 'venues', this.venue.id, 'holds', hold.id), { method: 'DELETE' });
        let refused = null;
        let r;
        try {
          r = await api(holds, { method: 'POST', body: { ...items, voucher: code }, idempotencyKey: uuid(), headers });
        } catch (e) {
          refused = e;
          r = await api(holds, { method: 'POST', body: { ...items, voucher: hold.voucher?.code }, idempotencyKey: uuid(), headers });
        }
        if (!this.ctx.active) return;
        this.setHold({ ...r.hold, heldAt: serverNow() });
        this.render();
        if (refused) this.error(refused, 'That voucher code cannot be used here.');
        else this.el.querySelector('[data-test="hold-total"]')?.focus?.();
      } catch (e) {
        if (this.ctx.active) this.expired('The seats could not be held again. Please pick them again.', e);
      }
    });
  }

  holdFailed(e) {
    if (e.code === 'seat_unavailable') {
      const taken = Array.isArray(e.details?.seats) ? e.details.seats : [];
      for (const id of taken) {
        if (this.map?.state(id) === 'available') this.map.setState(id, 'held');
        this.map?.setSelected(id, false);
      }
      this.saveDraft();
      this.update();
      const names = taken.map((id) => this.seatLabel(id)).join(', ');
      this.error(e, taken.length
        ? `Sorry, ${names} ${taken.length === 1 ? 'was' : 'were'} just taken by someone else. They are now marked on the map; pick other seats and try again.`
        : 'Some of these seats were just taken. Pick other seats and try again.');
      this.resync();
    } else if (e.code === 'sold_out') {
      this.error(e, `${e.message.replace(/\.$/, '')}. Fewer places are left than you asked for; lower the quantity and try again.`);
      this.resync();
    } else if (e.code === 'queue_required' || e.code === 'invalid_pass') {
      this.queue = { pass: null };
      this.update();
      this.error(e, `${e.message.replace(/\.$/, '')}. Tickets for this event are let in from the waiting room: join it to book.`);
    } else if (e.status === 403 && e.code !== 'csrf_failed') {
      this.error(e, `${e.message.replace(/\.$/, '')}. Tickets can only be held with a customer account.`);
    } else {
      this.error(e);
    }
  }

  async pay(form) {
    if (!this.hold) return;
    const button = form.querySelector('[data-test="pay"]');
    const token = form.elements.token.value.trim();
    const payment = { method: 'test' };
    if (token) payment.token = token;
    const hold = this.hold;
    this.message('');
    await busy(button, 'Paying…', async () => {
      try {
        const r = await api(path('api', 'venues', this.venue.id, 'bookings'), {
          method: 'POST', body: { holdId: hold.id, payment }, idempotencyKey: uuid(),
        });
        this.setHold(null);
        rememberBooking(r.booking);
        this.ctx.navigate(`/bookings/${encodeURIComponent(this.venue.id)}/${encodeURIComponent(r.booking.id)}?new=1`);
      } catch (e) {
        if (!this.ctx.active) return;
        if (e.code === 'payment_declined' || e.status === 402) {
          this.error(e, `${e.message.replace(/\.$/, '')}. Your seats are still held: you can try again with another card.`);
        } else if (e.code === 'hold_expired' || e.status === 410 || e.status === 404) {
          this.expired('Your hold expired before the payment went through, so the seats were released. Please pick them again.', e);
        } else {
          this.error(e);
        }
      }
    });
  }

  async release(button) {
    if (!this.hold) return;
    const hold = this.hold;
    await busy(button, 'Releasing…', async () => {
      try {
        await api(path('api', 'venues', this.venue.id, 'holds', hold.id), { method: 'DELETE' });
      } catch (e) {
        // Already gone (expired or released in another tab) is what we wanted anyway.
        if (e.status !== 404 && e.status !== 410) {
          this.error(e);
          return;
        }
      }
      if (!this.ctx.active) return;
      for (const id of hold.seats) this.map?.setState(id, 'available');
      this.setHold(null);
      this.render();
      this.message(notice('Your seats were released.', 'info', 'released'));
      this.resync();
    });
  }

  expired(text, err) {
    const hold = this.hold;
    if (hold) for (const id of hold.seats) this.map?.setState(id, 'available');
    this.setHold(null);
    this.render();
    if (err) this.error(err, text);
    else this.message(notice(text, 'warn', 'hold-expired'));
    this.resync();
  }

  tick() {
    this.tickPass();
    if (!this.hold) return;
    const left = Date.parse(this.hold.expiresAt) - serverNow();
    if (left <= 0) {
      this.expired('Your hold expired and the seats were released. Pick seats again to continue.');
      return;
    }
    const time = this.el.querySelector('[data-test="countdown"]');
    if (time) time.textContent = formatCountdown(left);
    const box = this.el.querySelector('[data-test="countdown-box"]');
    if (box) box.classList.toggle('urgent', left < 60_000);
    const bar = this.region('bar');
    const span = Date.parse(this.hold.expiresAt) - (this.hold.heldAt || serverNow());
    if (bar && span > 0) bar.style.width = `${Math.max(0, Math.min(100, (left / span) * 100))}%`;
    if (left < 60_000 && !this.warned) {
      this.warned = true;
      this.hint('Less than a minute left to pay.');
    }
  }

  tickPass() {
    if (!this.queue?.pass) return;
    const left = Date.parse(this.queue.expiresAt) - serverNow();
    const time = this.el.querySelector('[data-test="pass-countdown"]');
    if (time) time.textContent = formatCountdown(left);
    if (left > 0) return;
    // The admission ran out: a hold made in time stays payable, a new one needs the queue.
    this.queue = { pass: null };
    this.el.querySelector('[data-test="pass-box"]')?.remove();
    if (!this.hold) {
      this.update();
      this.message(notice('Your time to hold tickets has run out.', 'warn', 'pass-expired'));
    }
  }
}
