// Door check-in: type a ticket code or scan its QR code with the camera (where the
// browser has BarcodeDetector). Each answer is one big coloured box that can be read
// from arm's length: green accepted, orange already used, red cancelled or unknown.

import { html, render } from '../lib/html.js';
import { api, path } from '../api.js';
import { getVenue, getEvent } from '../lib/cache.js';
import { formatDateTime } from '../lib/format.js';
import { href } from '../lib/links.js';
import { sectionNames, ticketLabel } from '../lib/tickets.js';
import { errorMessage } from '../components/ui.js';

export const requires = 'organizer';

const SCAN_EVERY_MS = 250;
const SAME_CODE_PAUSE_MS = 3000; // a QR code held in front of the camera is read many times

/** Ticket codes are case-insensitive base32; people type spaces and lower case. */
export function normaliseCode(text) {
  return String(text).replace(/\s+/g, '').toUpperCase();
}

export default async function checkinPage(ctx) {
  const { root, params } = ctx;
  const { venueId, eventId } = params;
  const [venue, event] = await Promise.all([getVenue(venueId), getEvent(venueId, eventId)]);
  if (!ctx.active) return;
  const tz = venue.timezone;
  const names = sectionNames(venue);
  const canScan = 'BarcodeDetector' in window && !!navigator.mediaDevices?.getUserMedia;
  ctx.setTitle(`Check-in · ${event.title}`);

  render(root, html`
    <nav class="crumbs"><a href="${href('organizer', 'venues', venueId, 'events', eventId)}">← ${event.title}</a></nav>
    <h1>Check-in</h1>
    <p class="muted">${event.title} · <time datetime="${event.startsAt}">${formatDateTime(event.startsAt, tz)}</time> · ${venue.name}</p>
    <form class="checkin-form" id="checkin-form" data-test="checkin-form" autocomplete="off">
      <label class="sr-only" for="code">Ticket code</label>
      <input id="code" name="code" placeholder="Ticket code" autocapitalize="characters" spellcheck="false"
             maxlength="100" required data-test="checkin-code">
      <button type="submit" class="btn btn-primary" data-test="checkin-submit">Check in</button>
      ${canScan ? html`<button type="button" class="btn" id="camera-toggle" data-test="camera-toggle">Scan with camera</button>` : ''}
    </form>
    ${canScan ? '' : html`<p class="hint">This browser cannot scan QR codes; type the code printed under the QR code.</p>`}
    <div class="camera" id="camera" hidden><video id="video" playsinline muted></video></div>
    <div class="checkin-result" data-test="checkin-result" data-result="idle" role="status" aria-live="assertive">Ready: scan or type a ticket code</div>
    <h2>Recent</h2>
    <ul class="sel-list" id="history" data-test="checkin-history"></ul>`);

  const form = root.querySelector('form');
  const input = form.elements.code;
  const result = root.querySelector('[data-test="checkin-result"]');
  const history = root.querySelector('#history');
  input.focus();
  let inflight = false;
  let lastCode = '';
  let lastAt = 0;

  function show(kind, title, detail) {
    result.dataset.result = kind;
    render(result, html`<span>${title}</span>${detail ? html`<small>${detail}</small>` : ''}`);
    const li = document.createElement('li');
    li.textContent = `${new Date().toLocaleTimeString()} · ${title}${detail ? ' · ' + detail : ''}`;
    history.prepend(li);
    while (history.children.length > 10) history.lastElementChild.remove();
  }

  async function checkIn(raw) {
    const code = normaliseCode(raw);
    if (!code || inflight) return;
    inflight = true;
    result.setAttribute('aria-busy', 'true');
    try {
      const r = await api(path('api', 'venues', venueId, 'events', eventId, 'checkins'), { method: 'POST', body: { code } });
      show('accepted', '✓ Accepted', `${code} · ${ticketLabel(r.ticket, names)}`);
    } catch (e) {
      if (e.code === 'already_checked_in') {
        const when = e.details?.checkedInAt ? ` at ${formatDateTime(e.details.checkedInAt, tz)}` : '';
        show('already_checked_in', '⚠ Already checked in', `${code} was used${when}`);
      } else if (e.code === 'ticket_cancelled') {
        show('ticket_cancelled', '✕ Ticket cancelled', `${code} belongs to a cancelled booking`);
      } else if (e.status === 404) {
        show('unknown', '✕ Unknown ticket', `${code} is not a ticket for this event`);
      } else {
        show('error', 'Could not check in', errorMessage(e));
      }
    } finally {
      inflight = false;
      result.removeAttribute('aria-busy');
      lastCode = code;
      lastAt = Date.now();
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await checkIn(input.value);
    input.value = '';
    input.focus();
  });

  if (!canScan) return;

  // ---- camera scanning ----
  const cameraBox = root.querySelector('#camera');
  const video = root.querySelector('#video');
  const toggle = root.querySelector('#camera-toggle');
  let stream = null;
  let timer = null;
  let detector = null;

  function stopCamera() {
    clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.srcObject = null;
    cameraBox.hidden = true;
    toggle.textContent = 'Scan with camera';
  }
  ctx.onCleanup(stopCamera);

  async function scan() {
    if (!stream) return;
    try {
      if (video.readyState >= 2) {
        const codes = await detector.detect(video);
        const value = codes.find((c) => c.rawValue)?.rawValue;
        if (value) {
          const code = normaliseCode(value);
          if (code !== lastCode || Date.now() - lastAt > SAME_CODE_PAUSE_MS) await checkIn(code);
        }
      }
    } catch { /* a frame that cannot be read: try the next one */ }
    if (stream) timer = setTimeout(scan, SCAN_EVERY_MS);
  }

  toggle.addEventListener('click', async () => {
    if (stream) { stopCamera(); return; }
    try {
      detector = detector || new BarcodeDetector({ formats: ['qr_code'] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      if (!ctx.active) { stopCamera(); return; }
      video.srcObject = stream;
      cameraBox.hidden = false;
      await video.play();
      toggle.textContent = 'Stop camera';
      scan();
    } catch (e) {
      stopCamera();
      show('error', 'Camera unavailable', e && e.name === 'NotAllowedError'
        ? 'Camera access was refused; allow it in the browser or type the code.'
        : 'The camera could not be started; type the code instead.');
    }
  });
}
