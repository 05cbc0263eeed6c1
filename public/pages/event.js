// The event page: header, the live seat map and the booking panel next to it.

import { html, render } from '../lib/html.js';
import { api, request, path, serverNow } from '../api.js';
import { getEvent, getVenue, forgetEvent } from '../lib/cache.js';
import { formatDateTime, formatMoney } from '../lib/format.js';
import { LiveSeats } from '../lib/live.js';
import { SeatMap } from '../components/seat-map.js';
import { BookingPanel } from '../components/booking-panel.js';
import { SeatFinder } from '../components/seat-finder.js';
import { href } from '../lib/links.js';
import { notice } from '../components/ui.js';

const LIVE_TEXT = {
  live: 'Live: seats update as they change',
  polling: 'Updating every 2 seconds',
  connecting: 'Connecting to live updates…',
};

function sectionNamesOf(event, venue) {
  const names = {};
  for (const s of venue?.layout?.sections || []) names[s.id] = s.name;
  for (const s of event.sections || []) names[s.section] = s.name || names[s.section];
  return names;
}

// The waiting room in force: from its opening until sold out or the sales end (API.md).
const QUEUE_IN_FORCE = new Set(['pre', 'open', 'paused']);

/** What the booking panel needs of the waiting room: null when holds need no pass. */
function queueForPanel(data) {
  if (!data || !QUEUE_IN_FORCE.has(data.queue.state) || Date.parse(data.queue.opensAt) > serverNow()) return null;
  const entry = data.entry;
  return entry?.state === 'admitted' && entry.pass ? { pass: entry.pass, expiresAt: entry.passExpiresAt } : { pass: null };
}

function queueBanner(data, link, tz, admittedNow) {
  if (!data || !QUEUE_IN_FORCE.has(data.queue.state)) return '';
  const { queue, entry } = data;
  if (entry?.state === 'admitted' && entry.pass) {
    return admittedNow
      ? notice(`It's your turn! Choose your seats: you have ${queue.passMinutes} minutes to hold them.`, 'success', 'queue-welcome')
      : '';
  }
  const opens = Date.parse(queue.opensAt) > serverNow();
  return html`<div class="alert alert-info" role="status" data-test="queue-banner">
    ${opens
      ? html`Tickets go on sale through a waiting room, which opens at <time datetime="${queue.opensAt}">${formatDateTime(queue.opensAt, tz)}</time>.`
      : entry ? 'You have a place in the waiting room.' : 'Tickets are sold through a waiting room.'}
    <a href="${link}" data-test="queue-link">${entry ? 'Back to your place' : 'Go to the waiting room'}</a></div>`;
}

function legend(map, currency) {
  const band = (b) => (b.min === b.max ? formatMoney(b.min, currency) : `${formatMoney(b.min, currency)}–${formatMoney(b.max, currency)}`);
  return html`
    <ul class="legend" aria-label="Legend" data-test="legend">
      ${map.bands.map((b) => html`<li><span class="swatch band-${b.band}" aria-hidden="true"></span>${band(b)}</li>`)}
      <li><span class="swatch swatch-selected" aria-hidden="true"></span>Selected</li>
      <li><span class="swatch swatch-mine" aria-hidden="true"></span>Your hold</li>
      <li><span class="swatch swatch-held" aria-hidden="true"></span>Held</li>
      <li><span class="swatch swatch-sold" aria-hidden="true"></span>Sold</li>
    </ul>`;
}

export default async function eventPage(ctx) {
  const { root, params, query } = ctx;
  const { venueId, eventId } = params;
  // A fresh page should show fresh availability.
  forgetEvent(venueId, eventId);
  const [event, venue, seatsResponse] = await Promise.all([
    getEvent(venueId, eventId),
    getVenue(venueId),
    request(path('api', 'venues', venueId, 'events', eventId, 'seats'), { signal: ctx.signal }),
  ]);
  // The caller's place and pass, when the event sells through a waiting room.
  const queueData = event.queue
    ? await api(path('api', 'venues', venueId, 'events', eventId, 'queue'), { signal: ctx.signal }).catch(() => null)
    : null;
  if (!ctx.active) return;
  const seatsData = seatsResponse.data;
  const tz = venue.timezone || event.timezone || 'UTC';
  ctx.setTitle(event.title);
  const names = sectionNamesOf(event, venue);
  const cancelled = event.status === 'cancelled';
  const started = new Date(event.startsAt).getTime() < Date.now();

  render(root, html`
    <nav class="crumbs"><a href="#/">← All events</a></nav>
    <header class="event-header">
      <h1 data-test="event-title">${event.title}</h1>
      <p class="event-when"><time datetime="${event.startsAt}">${formatDateTime(event.startsAt, tz)}</time>
        ${event.endsAt ? html` – <time datetime="${event.endsAt}">${formatDateTime(event.endsAt, tz)}</time>` : ''}</p>
      <p class="event-where">${venue.name}${venue.city ? html` · ${venue.city}` : ''} <span class="muted">(times in ${tz})</span></p>
      ${cancelled ? html`<div class="alert alert-error" role="alert" data-test="event-cancelled">This event has been cancelled. Tickets are no longer sold.</div>` : ''}
      ${!cancelled && started ? html`<div class="alert alert-warn" role="status">This event has already started.</div>` : ''}
      ${cancelled ? '' : queueBanner(queueData, href('events', venueId, eventId, 'queue'), tz, query.get('admitted') === '1')}
      ${event.description ? html`<p class="description">${event.description}</p>` : ''}
    </header>
    <div class="event-layout">
      <section class="map-area" aria-label="Seats">
        ${seatsData.seats.length ? html`<div id="map"></div>` : html`<p class="muted">This venue has general admission only.</p>`}
        <div id="legend"></div>
        <div id="finder"></div>
        <p class="live-status" id="live-status" data-test="live-status" data-mode="connecting" aria-live="off"></p>
        <p class="sr-only" id="map-status" aria-live="polite" data-test="map-status"></p>
      </section>
      <aside class="panel" id="panel" aria-label="Your tickets"></aside>
    </div>
    <div class="mobile-bar" id="mobile-bar" data-test="mobile-bar" hidden>
      <span id="mobile-summary"></span>
      <button type="button" class="btn btn-primary" id="mobile-go">Continue</button>
    </div>`);

  const mapStatus = root.querySelector('#map-status');
  let panel = null;
  let map = null;
  let finder = null;
  if (seatsData.seats.length) {
    map = new SeatMap(root.querySelector('#map'), {
      seats: seatsData.seats,
      sectionNames: names,
      currency: event.currency,
      onToggle: (id) => { panel.toggleSeat(id); finder?.refresh(); },
      onBlockedSeat: (seat, state) => {
        mapStatus.textContent = state === 'mine'
          ? `${map.labelFor(seat, state)}. Release your hold to change seats.`
          : `${map.labelFor(seat, state)}.`;
        panel.hint(state === 'mine' ? 'These seats are in your hold. Release it to pick different seats.' : `That seat is ${state === 'sold' ? 'sold' : 'held by someone else'}.`);
      },
    });
    ctx.onCleanup(() => map.destroy());
    render(root.querySelector('#legend'), legend(map, event.currency));
    finder = new SeatFinder(root.querySelector('#finder'), { map, sectionNames: names, onToggle: (id) => panel.toggleSeat(id) });
  }

  const live = new LiveSeats({
    venueId, eventId,
    version: seatsData.version,
    etag: seatsResponse.etag,
    onSnapshot: (data) => {
      if (map) map.setStates(data.seats);
      panel.applySnapshot(data);
      finder?.refresh();
    },
    onChange: (m) => {
      if (map) map.setStates(m.seats || []);
      panel.applyChange(m);
      finder?.refresh();
    },
    onStatus: (mode) => {
      const el = root.querySelector('#live-status');
      el.dataset.mode = mode;
      el.textContent = LIVE_TEXT[mode] || '';
    },
  });

  // On phones the panel is below the map: a bar keeps the total in view while choosing.
  const bar = root.querySelector('#mobile-bar');
  const panelEl = root.querySelector('#panel');
  root.querySelector('#mobile-go').addEventListener('click', () => panelEl.scrollIntoView({ behavior: 'smooth', block: 'start' }));
  const onSummary = ({ count, total, currency, held }) => {
    bar.hidden = count === 0;
    root.querySelector('#mobile-summary').textContent =
      `${held ? 'Held: ' : ''}${count} ticket${count === 1 ? '' : 's'} · ${formatMoney(total, currency)}`;
    root.querySelector('#mobile-go').textContent = held ? 'Pay' : 'Continue';
  };

  panel = new BookingPanel(panelEl, {
    ctx, event, venue, map, seatsData, sectionNames: names,
    canBook: !cancelled && !started,
    queue: queueForPanel(queueData),
    resync: () => live.resync(),
    onSummary,
  });
  ctx.onCleanup(() => panel.destroy());

  live.start();
  ctx.onCleanup(() => live.stop());
}
