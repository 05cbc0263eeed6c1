// The waiting room of an on-sale (API.md, "On-sale queue"): join with a proof of work
// solved in a Web Worker, then wait with the position, the people ahead, an estimate and a
// progress bar, all following "now serving" over the event's live channel. When the
// buyer's turn comes the page opens the seat map by itself.

import { html, render } from '../lib/html.js';
import { api, path, serverNow } from '../api.js';
import { getEvent, getVenue, forgetEvent } from '../lib/cache.js';
import { formatDateTime } from '../lib/format.js';
import { currentUser } from '../lib/session.js';
import { href, here } from '../lib/links.js';
import { LiveQueue } from '../lib/live-queue.js';
import { solveChallenge } from '../lib/proof.js';
import { waitlistForm } from '../components/waitlist-form.js';
import { errorBox, notice } from '../components/ui.js';

const LIVE_TEXT = {
  live: 'Live: your place updates by itself',
  polling: 'Updating every few seconds',
  connecting: 'Connecting…',
};

/** "about 3 minutes" for the buyers ahead at the set rate; null when admission is automatic. */
export function estimatedWait(ahead, admitPerMinute) {
  if (!admitPerMinute) return null;
  const minutes = Math.ceil((ahead + 1) / admitPerMinute);
  if (minutes <= 1) return 'less than a minute';
  if (minutes < 90) return `about ${minutes} minutes`;
  return `about ${Math.round(minutes / 60)} hours`;
}

export default async function queuePage(ctx) {
  const { root, params } = ctx;
  const { venueId, eventId } = params;
  const queueUrl = path('api', 'venues', venueId, 'events', eventId, 'queue');
  forgetEvent(venueId, eventId);
  const [event, venue] = await Promise.all([getEvent(venueId, eventId), getVenue(venueId)]);
  // An event without a waiting room has nothing to ask the queue for (and no failing request).
  const first = event.queue ? await api(queueUrl, { signal: ctx.signal }) : null;
  if (!ctx.active) return;
  const tz = venue.timezone || 'UTC';
  ctx.setTitle(`Waiting room · ${event.title}`);
  const eventLink = href('events', venueId, eventId);

  render(root, html`
    <nav class="crumbs"><a href="${eventLink}">← ${event.title}</a></nav>
    <header class="event-header">
      <h1 data-test="queue-title">Waiting room</h1>
      <p class="event-when"><strong>${event.title}</strong> ·
        <time datetime="${event.startsAt}">${formatDateTime(event.startsAt, tz)}</time> · ${venue.name}</p>
    </header>
    <section class="card queue-card" id="queue" data-test="queue" aria-live="polite"></section>
    <p class="live-status" id="live-status" data-test="live-status" data-mode="connecting" aria-live="off"></p>`);
  const box = root.querySelector('#queue');
  if (!first) {
    render(box, html`<p data-test="no-queue">This event has no waiting room: <a href="${eventLink}">choose seats on the event page</a>.</p>`);
    return;
  }

  let { queue, challenge, entry } = first;
  let joining = null; // {progress} while the proof is solved and sent
  let message = '';

  // Before the waiting room opens the page shows when; at that moment it offers to join.
  const untilOpen = Date.parse(queue.opensAt) - serverNow();
  if (untilOpen > 0) {
    const t = setTimeout(() => { if (!joining) show(); }, Math.min(untilOpen + 500, 2 ** 31 - 1));
    ctx.onCleanup(() => clearTimeout(t));
  }

  function draw() {
    render(box, body());
    const bar = box.querySelector('[data-region="progress"]');
    if (bar) bar.style.width = `${Math.round(progress() * 100)}%`;
  }

  function progress() {
    if (joining) return joining.progress;
    if (!entry?.position) return 0;
    return Math.min(1, queue.nowServing / entry.position);
  }

  function body() {
    const stats = html`<p class="muted" data-test="queue-stats">${queue.length} ${queue.length === 1 ? 'person' : 'people'} in the queue · now serving
      <strong data-test="now-serving">${queue.nowServing}</strong></p>`;
    if (queue.state === 'sold_out') {
      return html`
        <h2 data-test="queue-sold-out">Sold out</h2>
        <p>Every ticket of this event is sold, so nobody more is admitted. If tickets free up, the waiting list hears first.</p>
        <div id="waitlist"></div>`;
    }
    if (queue.state === 'closed') {
      return html`<h2 data-test="queue-closed">Sales are over</h2><p>This event no longer sells tickets.</p>`;
    }
    if (entry?.state === 'expired') {
      return html`
        <h2 data-test="queue-expired">Your turn has passed</h2>
        <p>You were admitted, but the time to book ran out before a hold was made, so your place went to the next buyer.</p>`;
    }
    if (entry?.state === 'admitted') {
      return html`<h2 data-test="queue-admitted">It's your turn</h2><p>Opening the seat map… <a href="${eventLink}">Go now</a></p>`;
    }
    if (entry && entry.position === null) {
      const at = queue.salesStartAt || queue.opensAt;
      return html`
        <h2 data-test="queue-joined">You're in the waiting room</h2>
        <p>When sales open at <time datetime="${at}">${formatDateTime(at, tz)}</time>, everyone here is given a place in one random draw,
          so joining early or refreshing gives no advantage. Keep this page open: it updates by itself.</p>
        ${stats}`;
    }
    if (entry) {
      const ahead = Math.max(0, entry.position - queue.nowServing - 1);
      const wait = estimatedWait(ahead, queue.admitPerMinute);
      return html`
        <h2>Your place: <span data-test="queue-position">${entry.position}</span></h2>
        <p class="queue-ahead"><strong data-test="queue-ahead">${ahead}</strong> ${ahead === 1 ? 'person is' : 'people are'} ahead of you.
          ${wait ? html`Estimated wait: <span data-test="queue-wait">${wait}</span>.` : 'Buyers are let in as tickets remain for them.'}</p>
        <div class="bar queue-bar" role="progressbar" aria-label="Progress to your turn" aria-valuemin="0" aria-valuemax="100"
             aria-valuenow="${Math.round(progress() * 100)}"><div class="bar-fill" data-region="progress"></div></div>
        ${queue.state === 'paused' ? notice('The organizer has paused admission for a moment. Your place is kept.', 'warn', 'queue-paused') : ''}
        <p class="hint">Keep this page open: when your turn comes, the seat map opens by itself and you have ${queue.passMinutes} minutes to hold tickets.</p>
        ${stats}`;
    }
    const notYet = Date.parse(queue.opensAt) > serverNow();
    return html`
      <h2>Tickets are sold through this waiting room</h2>
      <p>${queue.state === 'pre'
        ? 'Everyone who joins before sales open gets a place in one random draw when they do; later arrivals join the end of the line.'
        : 'Join the line: buyers are let in to choose seats in turn.'}</p>
      ${stats}
      <div class="msg">${message}</div>
      ${notYet
        ? html`<p data-test="queue-opens">The waiting room opens at <time datetime="${queue.opensAt}">${formatDateTime(queue.opensAt, tz)}</time>.</p>`
        : !currentUser()
          ? html`<a class="btn btn-primary" href="${`#/signin?next=${encodeURIComponent(here())}`}" data-test="signin-to-join">Sign in to join</a>`
          : joining
            ? html`<p data-test="queue-solving">Getting your place ready… this takes a few seconds.</p>
                <div class="bar queue-bar" role="progressbar" aria-label="Preparing to join"><div class="bar-fill" data-region="progress"></div></div>`
            : html`<button type="button" class="btn btn-primary" id="join" data-test="join-queue">Join the waiting room</button>`}`;
  }

  async function join() {
    message = '';
    joining = { progress: 0 };
    draw();
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const nonce = await solveChallenge(challenge, currentUser().id, {
          signal: ctx.signal,
          onProgress: (p) => {
            joining.progress = p;
            const bar = box.querySelector('[data-region="progress"]');
            if (bar) bar.style.width = `${Math.round(p * 100)}%`;
          },
        });
        const r = await api(queueUrl, { method: 'POST', body: { nonce } });
        entry = r.entry;
        break;
      } catch (e) {
        if (e.name === 'AbortError' || !ctx.active) return;
        if (e.code === 'bad_proof' && attempt === 0) {
          // The challenge rotated while we solved it: take the new one and solve again.
          const fresh = await api(queueUrl).catch(() => null);
          if (fresh) ({ queue, challenge } = fresh);
          continue;
        }
        if (e.code === 'sold_out') queue = { ...queue, state: 'sold_out' };
        message = errorBox(e);
        break;
      }
    }
    joining = null;
    if (ctx.active) show();
  }

  // Everything that follows a change: admitted buyers go to the seat map.
  function show() {
    if (entry?.state === 'admitted' && entry.pass) {
      ctx.navigate(`/events/${encodeURIComponent(venueId)}/${encodeURIComponent(eventId)}?admitted=1`, { replace: true });
      return;
    }
    draw();
    if (queue.state === 'sold_out' && box.querySelector('#waitlist')) {
      waitlistForm(box.querySelector('#waitlist'), { venueId, eventId, limit: Math.min(10, event.maxTicketsPerCustomer || 10) });
    }
  }

  const live = new LiveQueue({
    venueId, eventId,
    onSnapshot: (data) => {
      ({ queue, challenge } = data);
      entry = data.entry || null;
      if (!joining) show();
    },
    onChange: (m) => {
      const before = queue;
      queue = { ...queue, ...m };
      // The draw numbered everyone, or our turn came: only the API knows our place and pass.
      const drawn = before.state === 'pre' && m.state !== 'pre';
      const turn = entry?.position && m.nowServing >= entry.position && entry.state === 'waiting';
      // After the draw every waiter asks for its place: spread them over a few seconds.
      if (entry && drawn) setTimeout(() => live.refresh(), Math.random() * 3000);
      else if (turn) live.refresh();
      else if (!joining) show();
    },
    onStatus: (mode) => {
      const el = root.querySelector('#live-status');
      el.dataset.mode = mode;
      el.textContent = LIVE_TEXT[mode] || '';
    },
  });
  ctx.onCleanup(() => live.stop());
  box.addEventListener('click', (e) => {
    if (e.target.id === 'join' && !joining) join();
  });
  show();
  live.start();
}
