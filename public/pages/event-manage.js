// One event for its organizer: live sales figures, the sales report and attendee list, links
// to edit and check in, and cancelling the event (which cancels and refunds every booking).

import { html, render } from '../lib/html.js';
import { api, path } from '../api.js';
import { getVenue, getEvent, forgetEvent } from '../lib/cache.js';
import { formatMoney, formatDateTime } from '../lib/format.js';
import { href } from '../lib/links.js';
import { errorBox, notice, busy, confirmClick, stat } from '../components/ui.js';
import { QueuePanel } from '../components/queue-panel.js';
import { ReportPanel } from '../components/report-panel.js';
import { VouchersManager } from '../components/vouchers-manager.js';

export const requires = 'organizer';

const STATS_EVERY_MS = 5000;

function statsTemplate(stats, currency) {
  return html`
    ${stat('Sold', stats.sold, 'stat-sold')}
    ${stat('Held right now', stats.held, 'stat-held')}
    ${stat('Available', stats.available, 'stat-available')}
    ${stat('Revenue', formatMoney(stats.revenue, currency), 'stat-revenue')}
    ${stat('Checked in', stats.checkedIn, 'stat-checked-in')}`;
}

export default async function eventManagePage(ctx) {
  const { root, params, query } = ctx;
  const { venueId, eventId } = params;
  forgetEvent(venueId, eventId);
  let [venue, event] = await Promise.all([getVenue(venueId), getEvent(venueId, eventId)]);
  if (!ctx.active) return;
  const tz = venue.timezone;
  ctx.setTitle(event.title);

  function draw(message = '') {
    const cancelled = event.status === 'cancelled';
    render(root, html`
      <nav class="crumbs"><a href="#/organizer">← Your venues</a></nav>
      ${query.get('created') === '1' ? notice('Event created. It is now listed for customers.', 'success', 'event-created') : ''}
      ${query.get('saved') === '1' ? notice('Changes saved.', 'success', 'event-saved') : ''}
      <h1 data-test="manage-title">${event.title}</h1>
      <p><time datetime="${event.startsAt}">${formatDateTime(event.startsAt, tz)}</time> · ${venue.name}
        ${cancelled ? html`<span class="badge badge-bad" data-test="event-status">Cancelled</span>` : html`<span class="badge badge-good" data-test="event-status">On sale</span>`}</p>
      <div class="msg" id="msg">${message}</div>
      <h2>Sales <button type="button" class="link-btn" id="refresh" data-test="refresh-stats">Refresh</button></h2>
      <div class="stats" id="stats" data-test="stats" aria-live="polite"></div>
      ${event.queue ? html`<section class="queue-panel" id="queue-panel" data-test="queue-panel"></section>` : ''}
      ${cancelled ? '' : html`<section class="vouchers" id="vouchers" data-test="vouchers"></section>`}
      <div class="actions">
        <a class="btn btn-primary" href="${href('organizer', 'venues', venueId, 'events', eventId, 'checkin')}" data-test="checkin-link">Check in tickets</a>
        ${cancelled ? '' : html`<a class="btn" href="${href('organizer', 'venues', venueId, 'events', eventId, 'edit')}" data-test="edit-event">Edit details and prices</a>`}
        <a class="btn btn-quiet" href="${href('events', venueId, eventId)}">Public page</a>
        ${cancelled ? '' : html`<button type="button" class="btn btn-danger" id="cancel-event" data-test="cancel-event">Cancel event</button>`}
      </div>
      ${cancelled ? '' : html`<p class="hint">Cancelling refunds every booking and tells each ticket holder. It cannot be undone.</p>`}
      <section class="report-panel" id="report-panel" data-test="report-panel"></section>`);
    loadStats();
    reportPanel = new ReportPanel(root.querySelector('#report-panel'), { venueId, eventId, event, timeZone: tz, signal: ctx.signal });
    reportPanel.load();
    queuePanel?.destroy();
    const el = root.querySelector('#queue-panel');
    queuePanel = el ? new QueuePanel(el, { venueId, eventId, signal: ctx.signal }) : null;
    vouchers?.destroy();
    const box = root.querySelector('#vouchers');
    vouchers = box ? new VouchersManager(box, { venueId, event, signal: ctx.signal }) : null;
  }

  let queuePanel = null;
  let reportPanel = null;
  let vouchers = null;
  ctx.onCleanup(() => { queuePanel?.destroy(); vouchers?.destroy(); });

  let statsTimer;
  async function loadStats() {
    clearTimeout(statsTimer);
    const box = root.querySelector('#stats');
    try {
      const stats = await api(path('api', 'venues', venueId, 'events', eventId, 'stats'), { signal: ctx.signal });
      if (!ctx.active) return;
      render(box, statsTemplate(stats, event.currency));
    } catch (e) {
      if (e.name === 'AbortError') return;
      render(box, errorBox(e));
    }
    if (ctx.active) statsTimer = setTimeout(loadStats, STATS_EVERY_MS);
  }
  ctx.onCleanup(() => clearTimeout(statsTimer));

  root.addEventListener('click', async (e) => {
    if (e.target.id === 'refresh') {
      loadStats();
      reportPanel?.load();
    }
    if (e.target.id !== 'cancel-event') return;
    if (!confirmClick(e.target, 'Click again: cancel and refund everyone')) return;
    await busy(e.target, 'Cancelling…', async () => {
      try {
        const r = await api(path('api', 'venues', venueId, 'events', eventId, 'cancel'), { method: 'POST' });
        event = r.event;
        forgetEvent(venueId, eventId);
        if (ctx.active) draw(notice('The event was cancelled; all bookings are being refunded.', 'warn', 'event-cancelled'));
      } catch (err) {
        render(root.querySelector('#msg'), errorBox(err));
      }
    });
  });

  draw();
}
