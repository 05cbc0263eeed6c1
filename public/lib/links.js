// Links built from API ids: every segment is encoded, so an id can never change the route.

/** href('events', venueId, eventId) -> "#/events/v/e". */
export function href(...segments) {
  return '#/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

/** The current route, to come back to after signing in. */
export function here() {
  return location.hash || '#/';
}
