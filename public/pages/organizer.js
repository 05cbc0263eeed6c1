// The organizer's home: their venues and each venue's upcoming events, with links to
// create, manage, check in.

import { html, render } from '../lib/html.js';
import { api, query } from '../api.js';
import { listVenues } from '../lib/cache.js';
import { currentUser } from '../lib/session.js';
import { formatDateTime } from '../lib/format.js';
import { href } from '../lib/links.js';
import { errorBox, loading } from '../components/ui.js';
import { availability } from './events.js';

export const requires = 'organizer';

/** The venues this user runs: admins see all; without ownerId we cannot tell, so keep it. */
export function ownVenues(venues, user) {
  if (user.role === 'admin') return venues;
  return venues.filter((v) => v.ownerId === undefined || v.ownerId === user.id);
}

function venueCard(venue, events) {
  const tz = venue.timezone;
  return html`
    <section class="card org-venue" data-test="org-venue" data-venue-id="${venue.id}">
      <div class="org-venue-head">
        <div>
          <h2>${venue.name}</h2>
          <p class="muted">${venue.city ? html`${venue.city} · ` : ''}${tz} · <code>${venue.id}</code></p>
        </div>
        <a class="btn btn-primary" href="${href('organizer', 'venues', venue.id, 'events', 'new')}" data-test="new-event">New event</a>
      </div>
      ${events === null
        ? html`<p class="muted">Could not load this venue's events.</p>`
        : events.length
          ? html`<ul class="org-events">${events.map((e) => html`
              <li data-test="org-event" data-event-id="${e.id}">
                <div>
                  <strong>${e.title}</strong>
                  <div class="muted"><time datetime="${e.startsAt}">${formatDateTime(e.startsAt, tz)}</time> ${availability(e)}</div>
                </div>
                <div class="links">
                  <a href="${href('organizer', 'venues', venue.id, 'events', e.id)}" data-test="manage-event">Sales &amp; edit</a>
                  <a href="${href('organizer', 'venues', venue.id, 'events', e.id, 'checkin')}" data-test="checkin-link">Check-in</a>
                  <a href="${href('events', venue.id, e.id)}">Public page</a>
                </div>
              </li>`)}</ul>`
          : html`<p class="muted">No upcoming events yet.</p>`}
    </section>`;
}

export default async function organizerPage(ctx) {
  const { root } = ctx;
  ctx.setTitle('Organizer');
  render(root, html`
    <div class="org-venue-head">
      <h1>Your venues</h1>
      <a class="btn btn-primary" href="#/organizer/venues/new" data-test="new-venue">New venue</a>
    </div>
    <div id="venues">${loading('Loading your venues…')}</div>`);
  const box = root.querySelector('#venues');
  try {
    const venues = ownVenues(await listVenues(), currentUser());
    const withEvents = await Promise.all(venues.map(async (v) => {
      try {
        const page = await api('/api/events' + query({ venue: v.id, limit: 100 }), { signal: ctx.signal });
        return [v, page.events];
      } catch {
        return [v, null];
      }
    }));
    if (!ctx.active) return;
    render(box, withEvents.length
      ? html`${withEvents.map(([v, events]) => venueCard(v, events))}`
      : html`<p class="empty" data-test="no-venues">You have no venues yet. <a href="#/organizer/venues/new">Create your first venue</a>.</p>`);
  } catch (e) {
    if (e.name !== 'AbortError') render(box, errorBox(e));
  }
}
