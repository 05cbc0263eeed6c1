// Accessible seating beside the seat map: the attribute symbols' legend, a "wheelchair
// spaces" filter, and a list view of the free seats by section and row (one button per
// seat), so keyboard and screen-reader users need not arrow through thousands of seats.
// A wheelchair space with a free companion seat next to it gets one button that selects
// both; the Hold button then holds them in one `seats` call.

import { html, render } from '../lib/html.js';
import { ATTRIBUTES } from './seat-map.js';

export class SeatFinder {
  /** options: map (SeatMap), sectionNames {id: name}, onToggle(seatId). */
  constructor(host, options) {
    this.host = host;
    this.options = options;
    this.map = options.map;
    this.filter = '';
    this.open = false;
    const seats = [...this.map.seats.values()];
    this.used = ATTRIBUTES.filter((a) => seats.some((s) => (s.attributes || []).includes(a.name)));
    render(host, html`
      <div class="seat-finder" data-test="seat-finder">
        ${this.used.length ? html`<ul class="legend" aria-label="Seat symbols" data-test="attribute-legend">
          ${this.used.map((a) => html`<li><span class="symbol" aria-hidden="true">${a.symbol}</span>${a.text}</li>`)}</ul>` : ''}
        <div class="finder-tools">
          ${this.used.some((a) => a.name === 'wheelchair') ? html`<label class="check">
            <input type="checkbox" data-test="filter-wheelchair"> Wheelchair spaces only</label>` : ''}
          <button type="button" class="btn btn-quiet" data-test="list-toggle" aria-expanded="false" aria-controls="seat-list">List free seats</button>
        </div>
        <div id="seat-list" class="seat-list" data-test="seat-list" hidden></div>
      </div>`);
    this.list = host.querySelector('#seat-list');
    this.toggleButton = host.querySelector('[data-test="list-toggle"]');
    host.querySelector('[data-test="filter-wheelchair"]')?.addEventListener('change', (e) => {
      this.filter = e.target.checked ? 'wheelchair' : '';
      this.map.setFilter(this.filter);
      this.refresh();
    });
    this.toggleButton.addEventListener('click', () => {
      this.open = !this.open;
      this.toggleButton.setAttribute('aria-expanded', String(this.open));
      this.toggleButton.textContent = this.open ? 'Hide the list' : 'List free seats';
      this.list.hidden = !this.open;
      this.refresh();
    });
    this.list.addEventListener('click', (e) => {
      const button = e.target.closest('[data-seat]');
      if (!button) return;
      for (const id of button.dataset.seat.split(' ')) {
        if (!this.map.selected.has(id) || button.dataset.seat.indexOf(' ') < 0) this.options.onToggle(id);
      }
      this.refresh();
      this.list.querySelector(`[data-seat="${CSS.escape(button.dataset.seat)}"]`)?.focus();
    });
  }

  /** A free companion seat next to a wheelchair space, or null. */
  companionOf(seat) {
    for (const s of this.map.seats.values()) {
      if (s.section === seat.section && s.row === seat.row && Math.abs(s.number - seat.number) === 1
        && (s.attributes || []).includes('companion') && this.map.shownState(s.id) === 'available') return s;
    }
    return null;
  }

  /** Redraws the list from the map's states (only while it is open). */
  refresh() {
    if (!this.open) return;
    const names = this.options.sectionNames || {};
    const free = [...this.map.seats.values()].filter((s) => this.map.shownState(s.id) === 'available'
      && (!this.filter || (s.attributes || []).includes(this.filter)));
    const groups = new Map();
    for (const s of free) {
      const key = `${s.section}\u0000${s.row}`;
      if (!groups.has(key)) groups.set(key, { section: s.section, row: s.row, seats: [] });
      groups.get(key).seats.push(s);
    }
    const describe = (s) => [`Seat ${s.number}`, ...ATTRIBUTES.filter((a) => (s.attributes || []).includes(a.name)).map((a) => a.text.toLowerCase())].join(', ');
    render(this.list, free.length ? html`${[...groups.values()].map((g) => html`
      <section class="seat-list-row" data-test="seat-list-row">
        <h3>${names[g.section] || g.section}, row ${g.row}</h3>
        <ul>${g.seats.sort((a, b) => a.number - b.number).map((s) => {
          const companion = (s.attributes || []).includes('wheelchair') ? this.companionOf(s) : null;
          return html`<li>
            <button type="button" class="seat-button" data-seat="${s.id}" data-test="list-seat" aria-pressed="${String(this.map.selected.has(s.id))}">${describe(s)}</button>
            ${companion ? html`<button type="button" class="seat-button" data-seat="${`${s.id} ${companion.id}`}" data-test="list-pair"
              aria-pressed="${String(this.map.selected.has(s.id) && this.map.selected.has(companion.id))}">Seat ${s.number} with companion seat ${companion.number}</button>` : ''}
          </li>`;
        })}</ul>
      </section>`)}` : html`<p class="muted" data-test="seat-list-empty">No free seats${this.filter ? ' of this kind' : ''}.</p>`);
  }
}
