// The event list: search, date range, venue filter, "load more" pagination, and for each
// event its price-from and how many places are left. Filters live in the URL
// (#/?q=...&venue=...) so a filtered list can be shared and survives a reload.

import { html, render, fragment } from '../lib/html.js';
import { api, query } from '../api.js';
import { formatMoney, formatDateTime, toRFC3339 } from '../lib/format.js';
import { listVenues, getVenueSummary } from '../lib/cache.js';
import { href } from '../lib/links.js';
import { errorBox, loading } from '../components/ui.js';

const PAGE = 20;

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
      <p class="event-where">${venue ? venue.name : event.venueId}${venue?.city ? html` · ${venue.city}` : ''}</p>
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
  const filters = { q: q.get('q') || '', from: q.get('from') || '', to: q.get('to') || '', venue: q.get('venue') || '' };

  render(root, html`
    <h1>Events</h1>
    <form class="filters" role="search" data-test="event-filters">
      <label class="grow">Search
        <input type="search" name="q" value="${filters.q}" placeholder="Title or description" maxlength="200" data-test="filter-q" autocomplete="off">
      </label>
      <label>From <input type="date" name="from" value="${filters.from}" data-test="filter-from"></label>
      <label>To <input type="date" name="to" value="${filters.to}" data-test="filter-to"></label>
      <label>Venue
        <select name="venue" data-test="filter-venue"><option value="">All venues</option></select>
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
        q: filters.q, venue: filters.venue, from: dayBound(filters.from, false), to: dayBound(filters.to, true),
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

  function apply() {
    filters.q = form.elements.q.value.trim();
    filters.from = form.elements.from.value;
    filters.to = form.elements.to.value;
    filters.venue = venueSelect.value;
    // Keep the filters in the URL without a new history entry per keystroke.
    history.replaceState(null, '', '#/' + query(filters));
    load(null);
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
  form.addEventListener('reset', () => setTimeout(apply, 0));
  form.addEventListener('change', (e) => { if (e.target.name !== 'q') apply(); });
  let debounce;
  form.elements.q.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(apply, 350);
  });
  ctx.onCleanup(() => clearTimeout(debounce));

  await load(null);
}
