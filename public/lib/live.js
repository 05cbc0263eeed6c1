// Keeps a seat map current. Prefers the nchan SSE channel; a delta is applied only when
// its version is exactly the next one, anything else (a gap, a reconnect) re-reads
// /seats. When SSE cannot connect (e.g. the live endpoint is not deployed and the URL
// answers 404 or HTML), it polls /seats every 2 s with If-None-Match (304 = unchanged)
// and keeps retrying SSE with a growing delay. An open channel is not trusted blindly:
// when nothing reaches nchan (its publisher socket unreachable) subscribers stay connected
// and hear nothing, so while live the map is also re-read every 30 s (304 when unchanged).

import { request, path } from '../api.js';

const POLL_MS = 2000;
const HIDDEN_POLL_MS = 10000;
const OPEN_TIMEOUT_MS = 4000;
const LIVE_CHECK_MS = 30000;

export class LiveSeats {
  /**
   * venueId, eventId; version and etag of the snapshot the page drew;
   * onSnapshot(seatsBody) for a full re-read, onChange({version, seats, ga}) for a delta,
   * onStatus('live' | 'polling' | 'connecting').
   */
  constructor({ venueId, eventId, version, etag, onSnapshot, onChange, onStatus }) {
    this.seatsUrl = path('api', 'venues', venueId, 'events', eventId, 'seats');
    this.liveUrl = path('live', 'venues', venueId, 'events', eventId);
    this.version = version;
    this.etag = etag;
    this.onSnapshot = onSnapshot;
    this.onChange = onChange;
    this.onStatus = onStatus || (() => {});
    this.failures = 0;
    this.stopped = false;
    this.polling = false;
    this.inflight = null;
    this.again = false;
  }

  start() {
    this.onStatus('connecting');
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.polling = false;
    clearTimeout(this.pollTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.openTimer);
    clearInterval(this.checkTimer);
    if (this.es) this.es.close();
    this.es = null;
  }

  connect() {
    if (this.stopped || typeof EventSource === 'undefined') {
      this.startPolling();
      return;
    }
    const es = new EventSource(this.liveUrl);
    this.es = es;
    // A channel that neither opens nor fails (a proxy holding it) must not freeze the map.
    this.openTimer = setTimeout(() => { if (es.readyState !== EventSource.OPEN) this.startPolling(); }, OPEN_TIMEOUT_MS);
    es.onopen = () => {
      clearTimeout(this.openTimer);
      this.failures = 0;
      this.stopPolling();
      this.onStatus('live');
      // Whatever happened while we were not connected: catch up once.
      this.resync();
      clearInterval(this.checkTimer);
      this.checkTimer = setInterval(() => { if (!document.hidden) this.resync(); }, LIVE_CHECK_MS);
    };
    es.onmessage = (e) => this.message(e.data);
    es.onerror = () => {
      clearInterval(this.checkTimer);
      this.startPolling();
      if (es.readyState === EventSource.CLOSED) {
        // Fatal (404, not text/event-stream): the browser will not retry; we will, later.
        clearTimeout(this.openTimer);
        es.close();
        if (this.es === es) this.es = null;
        this.failures += 1;
        const delay = Math.min(60000, 5000 * 2 ** Math.min(this.failures - 1, 4));
        this.retryTimer = setTimeout(() => this.connect(), delay);
      }
      // Otherwise the browser reconnects by itself and onopen re-reads /seats.
    };
  }

  message(text) {
    let m;
    try { m = JSON.parse(text); } catch { return; }
    if (!m || typeof m.version !== 'number') return;
    if (m.version <= this.version) return; // a replay (Last-Event-ID) or already in a snapshot
    if (m.version === this.version + 1) {
      this.version = m.version;
      this.onChange(m);
    } else {
      this.resync(); // a gap: some change was missed
    }
  }

  /** Re-reads /seats (conditionally). Concurrent calls collapse into one more round. */
  resync() {
    if (this.stopped) return Promise.resolve();
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    this.inflight = (async () => {
      do {
        this.again = false;
        try {
          const r = await request(this.seatsUrl, { etag: this.etag });
          if (this.stopped) return;
          if (r.status === 200 && r.data) {
            this.etag = r.etag;
            // An older snapshot than a delta we already applied would step back in time.
            if (r.data.version >= this.version) {
              this.version = r.data.version;
              this.onSnapshot(r.data);
            }
          }
        } catch {
          // Offline or overloaded: the next poll or reconnect tries again.
        }
      } while (this.again && !this.stopped);
    })().finally(() => { this.inflight = null; });
    return this.inflight;
  }

  startPolling() {
    if (this.polling || this.stopped) return;
    this.polling = true;
    this.onStatus('polling');
    const tick = async () => {
      if (!this.polling) return;
      await this.resync();
      if (this.polling) this.pollTimer = setTimeout(tick, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
    };
    this.pollTimer = setTimeout(tick, POLL_MS);
  }

  stopPolling() {
    this.polling = false;
    clearTimeout(this.pollTimer);
  }
}
