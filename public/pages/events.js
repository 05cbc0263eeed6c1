// The event list: full-text search, city, date range, top price, venue and "has tickets"
// filters, "load more" pagination, and for each event its price-from and how many places
// are left. Filters live in the URL (#/?q=...&city=...), one history entry per search, so a
// filtered list can be shared, survives a reload, and back/forward step through searches.

import { html, render, fragment } from '../lib/html.js';
import { api, query } from '../api.js';
import { formatMoney, formatDateTime, toRFC3339, toMinorUnits } from '../lib/format.js';
import { listVenues, getVenueSummary } from '../lib/cache.js';
import { href } from '../lib/links.js';
import { errorBox, loading } from '../components/ui.js';

const PAGE = 20;
// The filters as the URL keeps them: the form's values as typed (maxPrice "45.50").
const FILTERS = ['q', 'city', 'from', 'to', 'maxPrice', 'venue', 'available'];
// The list mixes currencies; a typed top price is read with two decimals, as most have.
const PRICE_CURRENCY = 'EUR';

// A <input type=date> value as an instant in the browser's zone: the start of that day,
// or (for "to") its last second, so "to 12 June" includes shows on 12 June.
function dayBound(value, end) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value || '')) return '';
  const [y, m, d] = value.split('-').map(Number);
  const date = end ? new Date(y, m - 1, d, 23, 59, 59) : new Date(y, m - 1, d, 0, 0, 0);
  return toRFC3339(date);
}

export function availability(event) {
  if (event.status === 'cancelled') return html`<span class="badge badge-muted" data-test="availability">Cancelled</span>`;
  const n = event.available;
  if (n === 0) return html`<span class="badge badge-bad" data-test="availability">Sold out</span>`;
  if (n < 20) return html`<span class="badge badge-warn" data-test="availability">Only ${n} left</span>`;
  return html`<span class="badge badge-good" data-test="availability">${n} available</span>`;
}

function eventCard(event, venue) {
  const tz = venue?.timezone || 'UTC';
  return html`
    <li class="card event-card" data-test="event-card" data-event-id="${event.id}">
      <a class="event-link" href="${href('events', event.venueId, event.id)}" data-test="event-link">
        <h2 class="event-title" data-test="event-title">${event.title}</h2>
      </a>
      <p class="event-when"><time datetime="${event.startsAt}">${formatDateTime(event.startsAt, tz)}</time></p>
      <p class="event-where">${venue ? venue.name : event.venueId}${event.city ? html` · ${event.city}` : ''}</p>
      <div class="event-meta">
        ${event.minPrice !== undefined && event.minPrice !== null
          ? html`<span class="price-from" data-test="price-from">from <strong>${formatMoney(event.minPrice, event.currency)}</strong></span>`
          : ''}
        ${availability(event)}
      </div>
    </li>`;
}

export default async function eventsPage(ctx) {
  const { root, query: q } = ctx;
  ctx.setTitle('Events');
  const filters = Object.fromEntries(FILTERS.map((name) => [name, q.get(name) || '']));

  render(root, html`
    <h1>Events</h1>
    <form class="filters" role="search" aria-label="Find events" data-test="event-filters">
      <label class="grow">Search
        <input type="search" name="q" value="${filters.q}" placeholder="Title, description, venue or city" maxlength="200" data-test="filter-q" autocomplete="off">
      </label>
      <label>City
        <input type="text" name="city" value="${filters.city}" maxlength="200" data-test="filter-city" autocomplete="address-level2">
      </label>
      <label>Venue
        <select name="venue" data-test="filter-venue"><option value="">All venues</option></select>
      </label>
      <label>From <input type="date" name="from" value="${filters.from}" data-test="filter-from"></label>
      <label>To <input type="date" name="to" value="${filters.to}" data-test="filter-to"></label>
      <label>Max price
        <input type="number" name="maxPrice" value="${filters.maxPrice}" min="0" step="0.01" inputmode="decimal" data-test="filter-max-price">
      </label>
      <label class="inline check">
        <input type="checkbox" name="available" value="true" ${filters.available === 'true' ? html`checked` : ''} data-test="filter-available"> Has tickets
      </label>
      <div class="filter-actions">
        <button type="submit" class="btn" data-test="filter-apply">Search</button>
        <button type="reset" class="btn btn-quiet" data-test="filter-reset">Clear</button>
      </div>
    </form>
    <div id="list-status" aria-live="polite"></div>
    <ul class="event-grid" id="event-list" data-test="event-list" aria-busy="true"></ul>
    <div class="more" id="more"></div>`);

  const form = root.querySelector('form');
  const list = root.querySelector('#event-list');
  const status = root.querySelector('#list-status');
  const more = root.querySelector('#more');
  const venueSelect = form.elements.venue;

  // The venue filter is a nicety: the list works without it.
  listVenues().then((venues) => {
    if (!ctx.active) return;
    venues.sort((a, b) => a.name.localeCompare(b.name));
    venueSelect.append(fragment(html`${venues.map((v) => html`<option value="${v.id}">${v.name}${v.city ? html` (${v.city})` : ''}</option>`)}`));
    venueSelect.value = filters.venue;
  }).catch(() => {});

  let generation = 0;

  async function load(cursor) {
    const mine = ++generation;
    if (!cursor) {
      list.replaceChildren();
      render(status, loading('Loading events…'));
    } else {
      render(more, loading('Loading more…'));
    }
    list.setAttribute('aria-busy', 'true');
    try {
      const page = await api('/api/events' + query({
        q: filters.q, city: filters.city, venue: filters.venue, from: dayBound(filters.from, false), to: dayBound(filters.to, true),
        maxPrice: filters.maxPrice ? toMinorUnits(filters.maxPrice, PRICE_CURRENCY) : '', available: filters.available,
        limit: PAGE, cursor,
      }), { signal: ctx.signal });
      const venues = new Map();
      await Promise.all([...new Set(page.events.map((e) => e.venueId))].map(async (id) => {
        try { venues.set(id, await getVenueSummary(id)); } catch { /* the card shows the id */ }
      }));
      if (mine !== generation || !ctx.active) return;
      list.append(fragment(html`${page.events.map((e) => eventCard(e, venues.get(e.venueId)))}`));
      const count = list.children.length;
      render(status, count === 0
        ? html`<p class="empty" data-test="no-events">No events match. Try another search or date range.</p>`
        : html`<p class="muted">${count} event${count === 1 ? '' : 's'}${page.nextCursor ? ' so far' : ''}</p>`);
      render(more, page.nextCursor
        ? html`<button type="button" class="btn btn-quiet" data-test="load-more">Load more events</button>`
        : '');
      const button = more.querySelector('button');
      if (button) button.addEventListener('click', () => load(page.nextCursor));
    } catch (e) {
      if (e.name === 'AbortError' || mine !== generation) return;
      render(cursor ? more : status, errorBox(e));
    } finally {
      if (mine === generation) list.setAttribute('aria-busy', 'false');
    }
  }

  // Reads the form into the filters and, when they changed (or on submit), puts them in the
  // URL as a new history entry and loads the first page. Back and forward change the hash,
  // which routes here again with the URL's filters.
  function apply(force = false) {
    const elements = form.elements;
    filters.q = elements.q.value.trim();
    filters.city = elements.city.value.trim();
    filters.from = elements.from.value;
    filters.to = elements.to.value;
    filters.maxPrice = elements.maxPrice.value.trim();
    filters.venue = venueSelect.value;
    filters.available = elements.available.checked ? 'true' : '';
    const target = '#/' + query(filters);
    if (target === location.hash && !force) return;
    if (target !== location.hash) history.pushState(null, '', target);
    load(null);
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(debounce); apply(true); });
  form.addEventListener('reset', () => setTimeout(apply, 0));
  // Typing waits for a pause; a date, the venue or the checkbox applies at once.
  let debounce;
  form.addEventListener('input', (e) => {
    clearTimeout(debounce);
    if (['q', 'city', 'maxPrice'].includes(e.target.name)) debounce = setTimeout(apply, 350);
  });
  form.addEventListener('change', (e) => { if (!['q', 'city', 'maxPrice'].includes(e.target.name)) apply(); });
  ctx.onCleanup(() => clearTimeout(debounce));

  await load(null);
}
