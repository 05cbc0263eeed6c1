// Short-lived memo of venues and events: lists show times in each venue's zone and
// "my bookings" shows event titles, without asking the server once per row per render.

import { api, path } from '../api.js';

const venues = new Map();
const events = new Map();
const TTL = 60_000;

function memo(map, key, load) {
  const hit = map.get(key);
  if (hit && Date.now() - hit.at < TTL) return hit.promise;
  const promise = load();
  map.set(key, { at: Date.now(), promise });
  promise.catch(() => map.delete(key)); // errors are not cached
  return promise;
}

export function getVenue(venueId) {
  return memo(venues, venueId, async () => (await api(path('api', 'venues', venueId))).venue);
}

export function getEvent(venueId, eventId) {
  return memo(events, venueId + '/' + eventId, async () => (await api(path('api', 'venues', venueId, 'events', eventId))).event);
}

// Venues as lists give them (no layout): enough for names and time zones.
const summaries = new Map();

/** Remembers a venue we already have from a list. */
export function primeVenue(venue) {
  if (venue && venue.id) summaries.set(venue.id, venue);
}

/** Name, city and time zone of a venue: from a list if we saw one, else fetched. */
export function getVenueSummary(venueId) {
  const s = summaries.get(venueId);
  return s ? Promise.resolve(s) : getVenue(venueId);
}

export function forgetEvent(venueId, eventId) { events.delete(venueId + '/' + eventId); }
export function forgetVenue(venueId) { venues.delete(venueId); summaries.delete(venueId); }

/** All venues (following cursors, bounded), for filters and the organizer's list. */
export async function listVenues(max = 500) {
  const all = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ limit: '100' });
    if (cursor) q.set('cursor', cursor);
    const page = await api('/api/venues?' + q);
    all.push(...page.venues);
    page.venues.forEach(primeVenue);
    cursor = page.nextCursor;
  } while (cursor && all.length < max);
  return all;
}

// A booking just made, handed to the confirmation page so it needs no extra request.
const freshBookings = new Map();
export function rememberBooking(booking) { freshBookings.set(booking.id, booking); }
export function takeBooking(bookingId) {
  const b = freshBookings.get(bookingId);
  freshBookings.delete(bookingId);
  return b || null;
}
