// Who is signed in. The session itself is the server's HttpOnly cookie; this module only
// remembers the user and the CSRF token in memory. The bearer token that register/login
// also return is deliberately dropped.

import { api, setCsrfToken, onCsrfRefresh, onUnauthorized } from '../api.js';

let user = null;
const listeners = new Set();

export function currentUser() { return user; }

export function isOrganizer() {
  return !!user && (user.role === 'organizer' || user.role === 'admin');
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function set(newUser, csrf) {
  user = newUser || null;
  setCsrfToken(csrf);
  for (const fn of listeners) fn(user);
}

/** Asks the server who we are (a reload keeps the cookie, not the memory). /api/session
 * answers signed-out visitors 200 too, so their pages make no failing request. */
export async function loadSession() {
  const session = await api('/api/session');
  set(session.signedIn ? session.user : null, session.signedIn ? session.csrfToken : null);
  return user;
}

onCsrfRefresh(async () => {
  try { await loadSession(); } catch { /* the retry will report the error */ }
});

// A 401 anywhere means the cookie no longer works: show the visitor as signed out.
onUnauthorized(() => { if (user) set(null, null); });

export async function signIn(email, password) {
  const r = await api('/api/auth/login', { method: 'POST', body: { email, password } });
  set(r.user, r.csrfToken);
  return user;
}

export async function signUp({ email, password, name, role }) {
  const r = await api('/api/auth/register', { method: 'POST', body: { email, password, name, role } });
  set(r.user, r.csrfToken);
  return user;
}

export async function signOut() {
  try {
    await api('/api/auth/logout', { method: 'POST' });
  } finally {
    set(null, null);
  }
}

/** Sets a new password with the token of an emailed reset link; the server signs us in. */
export async function resetPassword(token, password) {
  const r = await api('/api/auth/password-reset/confirm', { method: 'POST', body: { token, password } });
  set(r.user, r.csrfToken);
  return user;
}

/** Changes the name, email or password (`currentPassword` for the latter two). */
export async function updateAccount(changes) {
  const r = await api('/api/me', { method: 'PATCH', body: changes });
  set(r.user, r.csrfToken);
  return user;
}

/** Deletes the account (needs the password); every session ends. */
export async function deleteAccount(password) {
  await api('/api/me', { method: 'DELETE', body: { password } });
  set(null, null);
}
