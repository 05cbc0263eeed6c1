// "My bookings": the caller's bookings across all venues, newest first, with cancel.

import { html, render, fragment } from '../lib/html.js';
import { api, path, query } from '../api.js';
import { getEvent, getVenueSummary, forgetEvent } from '../lib/cache.js';
import { formatMoney, formatDateTime } from '../lib/format.js';
import { href } from '../lib/links.js';
import { errorBox, loading, busy, confirmClick, notice } from '../components/ui.js';
import { statusBadge, cancellable, documentLinks } from './booking.js';

export const requires = 'user';

function row(booking, event, venue) {
  const tz = venue?.timezone || 'UTC';
  const n = booking.tickets.length;
  return html`
    <li class="card booking-row" data-test="booking-row" data-booking-id="${booking.id}">
      <div class="booking-main">
        <h2 class="booking-title"><a href="${href('bookings', booking.venueId, booking.id)}" data-test="booking-link">${event ? event.title : 'Event ' + booking.eventId}</a></h2>
        <p class="event-when">${event ? html`<time datetime="${event.startsAt}">${formatDateTime(event.startsAt, tz)}</time>` : ''}
          ${venue ? html` · ${venue.name}` : ''}</p>
        <p>${statusBadge(booking)} <span class="muted">${n} ticket${n === 1 ? '' : 's'} · ${formatMoney(booking.total, booking.currency)}
          · booked ${formatDateTime(booking.createdAt, tz)}</span></p>
        <div class="msg" data-msg></div>
      </div>
      <div class="booking-actions">
        <a class="btn btn-quiet" href="${href('bookings', booking.venueId, booking.id)}">${booking.status === 'confirmed' ? 'Tickets' : 'Details'}</a>
        ${documentLinks(booking)}
        ${cancellable(booking, event) ? html`<button type="button" class="btn btn-danger" data-cancel data-test="cancel-booking">Cancel</button>` : ''}
      </div>
    </li>`;
}

export default async function bookingsPage(ctx) {
  const { root } = ctx;
  ctx.setTitle('My bookings');
  render(root, html`
    <h1>My bookings</h1>
    <div id="status" aria-live="polite"></div>
    <ul class="booking-list" id="list" data-test="booking-list"></ul>
    <div class="more" id="more"></div>`);
  const list = root.querySelector('#list');
  const status = root.querySelector('#status');
  const more = root.querySelector('#more');
  const bookings = new Map();

  async function load(cursor) {
    render(cursor ? more : status, loading('Loading bookings…'));
    try {
      const page = await api('/api/bookings' + query({ limit: 20, cursor }), { signal: ctx.signal });
      const rows = await Promise.all(page.bookings.map(async (b) => {
        bookings.set(b.id, b);
        const [event, venue] = await Promise.all([
          getEvent(b.venueId, b.eventId).catch(() => null),
          getVenueSummary(b.venueId).catch(() => null),
        ]);
        return row(b, event, venue);
      }));
      if (!ctx.active) return;
      list.append(fragment(html`${rows}`));
      render(status, list.children.length ? '' : html`<p class="empty" data-test="no-bookings">No bookings yet. <a href="#/">Find an event</a>.</p>`);
      render(more, page.nextCursor ? html`<button type="button" class="btn btn-quiet" data-test="load-more">Load more</button>` : '');
      more.querySelector('button')?.addEventListener('click', () => load(page.nextCursor));
    } catch (e) {
      if (e.name !== 'AbortError') render(cursor ? more : status, errorBox(e));
    }
  }

  list.addEventListener('click', async (e) => {
    const button = e.target.closest('[data-cancel]');
    if (!button) return;
    const li = button.closest('[data-booking-id]');
    const booking = bookings.get(li.dataset.bookingId);
    if (!confirmClick(button, 'Click again to cancel')) return;
    await busy(button, 'Cancelling…', async () => {
      try {
        const r = await api(path('api', 'venues', booking.venueId, 'bookings', booking.id, 'cancel'), { method: 'POST' });
        bookings.set(booking.id, r.booking);
        forgetEvent(booking.venueId, booking.eventId);
        const [event, venue] = await Promise.all([
          getEvent(booking.venueId, booking.eventId).catch(() => null),
          getVenueSummary(booking.venueId).catch(() => null),
        ]);
        li.replaceWith(fragment(row(r.booking, event, venue)));
        const msg = list.querySelector(`[data-booking-id="${CSS.escape(booking.id)}"] [data-msg]`);
        if (msg) render(msg, notice('Cancelled and refunded.', 'info', 'booking-cancelled'));
      } catch (err) {
        render(li.querySelector('[data-msg]'), errorBox(err));
      }
    });
  });

  await load(null);
}
