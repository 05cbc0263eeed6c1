// Shared by the sign-in and sign-up pages: where to go afterwards.

/** The ?next= route, accepted only when it is one of our own hash routes. */
export function nextRoute(query) {
  const next = query.get('next') || '';
  return /^#\/[^\s]*$/.test(next) && !next.startsWith('#/signin') && !next.startsWith('#/signup') ? next : '#/';
}
