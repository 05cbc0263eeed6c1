// The app shell: hash router (#/events/{venueId}/{eventId}...), the header, and the
// page lifecycle. Each page is a module loaded on demand; it renders into a fresh
// container and registers cleanups (timers, EventSource) that run when the user leaves.

import { html, render } from './lib/html.js';
import { loadSession, currentUser, isOrganizer, onSessionChange, signOut } from './lib/session.js';
import { errorBox, loading } from './components/ui.js';

const routes = [
  ['/', () => import('./pages/events.js')],
  ['/events/:venueId/:eventId', () => import('./pages/event.js')],
  ['/events/:venueId/:eventId/queue', () => import('./pages/queue.js')],
  ['/bookings', () => import('./pages/bookings.js')],
  ['/bookings/:venueId/:bookingId', () => import('./pages/booking.js')],
  ['/signin', () => import('./pages/signin.js')],
  ['/signup', () => import('./pages/signup.js')],
  ['/forgot', () => import('./pages/forgot.js')],
  ['/reset', () => import('./pages/reset.js')],
  ['/account', () => import('./pages/account.js')],
  ['/organizer', () => import('./pages/organizer.js')],
  ['/organizer/venues/new', () => import('./pages/venue-new.js')],
  ['/organizer/venues/:venueId/events/new', () => import('./pages/event-form.js')],
  ['/organizer/venues/:venueId/events/:eventId', () => import('./pages/event-manage.js')],
  ['/organizer/venues/:venueId/events/:eventId/edit', () => import('./pages/event-form.js')],
  ['/organizer/venues/:venueId/events/:eventId/checkin', () => import('./pages/checkin.js')],
].map(([pattern, load]) => {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; }) + '/?$');
  return { re, names, load };
});

const main = document.getElementById('main');
const header = document.getElementById('site-header');
let current = null; // { controller, cleanups }

/** Parses "#/events/v/e?x=1" into {path, query}. */
export function parseHash(hash = location.hash) {
  const h = hash.replace(/^#/, '') || '/';
  const i = h.indexOf('?');
  const p = i < 0 ? h : h.slice(0, i);
  return { path: p || '/', query: new URLSearchParams(i < 0 ? '' : h.slice(i + 1)) };
}

export function navigate(to, { replace = false } = {}) {
  const target = to.startsWith('#') ? to : '#' + to;
  if (replace) {
    history.replaceState(null, '', target);
    route();
  } else if (location.hash === target) {
    route();
  } else {
    location.hash = target;
  }
}

function leave() {
  if (!current) return;
  current.controller.abort();
  for (const fn of current.cleanups) {
    try { fn(); } catch (e) { console.error(e); }
  }
  current = null;
}

async function route() {
  leave();
  const { path, query } = parseHash();
  let match = null;
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      match = { route: r, params };
      break;
    }
  }
  const controller = new AbortController();
  const cleanups = [];
  current = { controller, cleanups };
  const root = document.createElement('div');
  root.className = 'page';
  main.replaceChildren(root);
  renderHeader(path);

  if (!match) {
    document.title = 'Not found · Booking';
    render(root, html`<h1>Page not found</h1><p>There is nothing at this address. <a href="#/">See all events</a>.</p>`);
    return;
  }
  render(root, loading());
  const ctx = {
    root, params: match.params, query, signal: controller.signal, navigate,
    onCleanup: (fn) => cleanups.push(fn),
    get active() { return !controller.signal.aborted; },
    setTitle: (t) => { document.title = t ? `${t} · Booking` : 'Booking'; },
  };
  try {
    const page = await match.route.load();
    if (!ctx.active) return;
    if (page.requires && !guard(page.requires, root)) return;
    await page.default(ctx);
    if (ctx.active) focusHeading(root);
  } catch (e) {
    if (e.name === 'AbortError' || !ctx.active) return;
    console.error(e);
    render(root, html`<h1>Something went wrong</h1>${errorBox(e)}<p><a href="#/">Back to events</a></p>`);
  }
}

// Pages that need an account send visitors to sign in and back.
function guard(requires, root) {
  const user = currentUser();
  if (!user) {
    navigate('/signin?next=' + encodeURIComponent(location.hash), { replace: true });
    return false;
  }
  if (requires === 'organizer' && !isOrganizer()) {
    render(root, html`<h1>Organizers only</h1><p>This page is for venue organizers. <a href="#/">See all events</a>.</p>`);
    return false;
  }
  return true;
}

// After a route change, screen readers land on the new page's heading.
function focusHeading(root) {
  const h = root.querySelector('h1');
  if (h && !root.contains(document.activeElement)) {
    h.setAttribute('tabindex', '-1');
    h.focus({ preventScroll: true });
  }
}

function renderHeader(path = parseHash().path) {
  const user = currentUser();
  const active = (p) => (p === '/' ? path === '/' || path.startsWith('/events') : path.startsWith(p)) ? 'page' : null;
  const link = (to, label, test) => html`<a href="#${to}" data-test="${test}" ${active(to) ? html`aria-current="page"` : ''}>${label}</a>`;
  render(header, html`
    <nav class="nav" aria-label="Main">
      <a class="brand" href="#/" data-test="nav-home"><img src="/favicon.svg" alt="" width="24" height="24"> Booking</a>
      <div class="nav-links">
        ${link('/', 'Events', 'nav-events')}
        ${user ? link('/bookings', 'My bookings', 'nav-bookings') : ''}
        ${isOrganizer() ? link('/organizer', 'Organizer', 'nav-organizer') : ''}
      </div>
      <div class="nav-user">
        ${user
          ? html`<a class="who" href="#/account" data-test="nav-user" title="Your account (${user.email})">${user.name}</a>
                 <button type="button" class="link-btn" data-test="sign-out" id="sign-out">Sign out</button>`
          : html`${link('/signin', 'Sign in', 'nav-signin')} ${link('/signup', 'Sign up', 'nav-signup')}`}
      </div>
    </nav>`);
}

header.addEventListener('click', async (e) => {
  if (e.target.id !== 'sign-out') return;
  e.target.disabled = true;
  try {
    await signOut();
  } catch (err) {
    console.error(err);
  }
  navigate('/');
});

document.getElementById('skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

onSessionChange(() => renderHeader());
window.addEventListener('hashchange', route);

(async () => {
  try {
    await loadSession();
  } catch (e) {
    // The API is down: still show the pages; they will explain their own errors.
    console.error(e);
  }
  route();
})();
