// One booking: the confirmation right after paying, and the detail page from "My
// bookings". Ticket codes as text and as QR codes, and cancellation.

import { html, render } from '../lib/html.js';
import { api, path } from '../api.js';
import { getEvent, getVenue, takeBooking, forgetEvent } from '../lib/cache.js';
import { formatMoney, formatDateTime } from '../lib/format.js';
import { href } from '../lib/links.js';
import { sectionNames, ticketLabel } from '../lib/tickets.js';
import { errorBox, notice, busy, confirmClick } from '../components/ui.js';

export const requires = 'user';

export function statusBadge(booking) {
  return booking.status === 'confirmed'
    ? html`<span class="badge badge-good" data-test="booking-status">Confirmed</span>`
    : html`<span class="badge badge-muted" data-test="booking-status">Cancelled</span>`;
}

/** Whether the customer may still cancel (the server has the last word). */
export function cancellable(booking, event) {
  return booking.status === 'confirmed' && (!event || new Date(event.startsAt).getTime() > Date.now());
}

/** Links to the booking's tickets as a PDF (a page per ticket, with its QR code) and to its
 * event as a calendar file; the session cookie goes with them. */
export function documentLinks(booking) {
  const base = path('api', 'venues', booking.venueId, 'bookings', booking.id);
  return html`
    ${booking.status === 'confirmed'
      ? html`<a class="btn btn-quiet" href="${base + '/tickets.pdf'}" download="${`tickets-${booking.id}.pdf`}"
          data-test="download-tickets">Download tickets (PDF)</a>`
      : ''}
    <a class="btn btn-quiet" href="${base + '/event.ics'}" download="${`event-${booking.id}.ics`}" data-test="add-to-calendar">Add to calendar</a>`;
}

export default async function bookingPage(ctx) {
  const { root, params, query } = ctx;
  const { venueId, bookingId } = params;
  let booking = takeBooking(bookingId)
    || (await api(path('api', 'venues', venueId, 'bookings', bookingId), { signal: ctx.signal })).booking;
  const [event, venue] = await Promise.all([
    getEvent(venueId, booking.eventId).catch(() => null),
    getVenue(venueId).catch(() => null),
  ]);
  if (!ctx.active) return;
  const tz = venue?.timezone || 'UTC';
  const names = sectionNames(venue);
  ctx.setTitle(event ? `Tickets for ${event.title}` : 'Your booking');
  const fresh = query.get('new') === '1';

  function draw(message = '') {
    render(root, html`
      <nav class="crumbs"><a href="#/bookings">← My bookings</a></nav>
      ${fresh && booking.status === 'confirmed'
        ? html`<div class="alert alert-success" role="status" data-test="booking-confirmed">
            <strong>Payment accepted: you're going!</strong> Your tickets are below and on their way to your inbox.</div>`
        : ''}
      <header class="booking-header">
        <h1>${event ? event.title : 'Your booking'}</h1>
        ${event ? html`<p class="event-when"><time datetime="${event.startsAt}">${formatDateTime(event.startsAt, tz)}</time></p>` : ''}
        ${venue ? html`<p class="event-where">${venue.name}${venue.city ? html` · ${venue.city}` : ''}</p>` : ''}
        <p>${statusBadge(booking)} <span class="muted">Booking <code data-test="booking-id">${booking.id}</code>,
          made ${formatDateTime(booking.createdAt, tz)}</span></p>
        ${event?.status === 'cancelled' ? html`<div class="alert alert-error" role="status">This event was cancelled; your booking has been refunded.</div>` : ''}
      </header>
      <div class="msg" id="msg">${message}</div>
      <ul class="tickets" data-test="tickets">
        ${booking.tickets.map((t) => html`
          <li class="ticket card ${booking.status === 'cancelled' ? 'ticket-void' : ''}" data-test="ticket">
            <div class="ticket-text">
              <p class="ticket-seat">${ticketLabel(t, names)}</p>
              <p class="ticket-code"><span class="muted">Code</span> <code data-test="ticket-code">${t.code}</code></p>
              ${t.price !== undefined ? html`<p class="muted">${formatMoney(t.price, booking.currency)}</p>` : ''}
              ${t.checkedInAt ? html`<p class="badge badge-muted">Checked in ${formatDateTime(t.checkedInAt, tz)}</p>` : ''}
            </div>
            ${booking.status === 'confirmed'
              ? html`<img class="qr" src="${path('api', 'venues', venueId, 'tickets', t.code, 'qr.svg')}" width="160" height="160"
                   alt="${`QR code of ticket ${t.code}`}" loading="lazy" data-test="ticket-qr">`
              : html`<p class="ticket-void-label">Cancelled</p>`}
          </li>`)}
      </ul>
      <div class="total-row total-row-wide"><span>Total paid</span><strong data-test="booking-total">${formatMoney(booking.total, booking.currency)}</strong></div>
      <div class="actions">
        ${event ? html`<a class="btn btn-quiet" href="${href('events', venueId, booking.eventId)}">Event page</a>` : ''}
        <button type="button" class="btn btn-quiet" id="print">Print tickets</button>
        ${documentLinks({ ...booking, venueId })}
        ${cancellable(booking, event)
          ? html`<button type="button" class="btn btn-danger" id="cancel" data-test="cancel-booking">Cancel booking and refund</button>`
          : ''}
      </div>`);
  }

  draw();
  root.addEventListener('click', async (e) => {
    if (e.target.id === 'print') window.print();
    if (e.target.id !== 'cancel') return;
    if (!confirmClick(e.target, 'Click again to cancel all tickets')) return;
    await busy(e.target, 'Cancelling…', async () => {
      try {
        const r = await api(path('api', 'venues', venueId, 'bookings', booking.id, 'cancel'), { method: 'POST' });
        booking = r.booking;
        forgetEvent(venueId, booking.eventId);
        if (ctx.active) draw(notice('Your booking was cancelled and the payment refunded.', 'info', 'booking-cancelled'));
      } catch (err) {
        render(root.querySelector('#msg'), errorBox(err));
      }
    });
  });
}
