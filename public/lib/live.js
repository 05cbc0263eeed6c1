// Keeps a seat map current over the event's nchan channel: a delta is applied only when
// its version is exactly the next one, anything else (a gap, a reconnect) re-reads /seats.
// Without SSE it polls /seats every 2 s with If-None-Match (304 = unchanged); while live
// it re-reads every 30 s in case nothing reaches nchan.

import { request, path } from '../api.js';
import { LiveChannel } from './live-channel.js';

export class LiveSeats extends LiveChannel {
  /**
   * venueId, eventId; version and etag of the snapshot the page drew;
   * onSnapshot(seatsBody) for a full re-read, onChange({version, seats, ga}) for a delta,
   * onStatus('live' | 'polling' | 'connecting').
   */
  constructor({ venueId, eventId, version, etag, onSnapshot, onChange, onStatus }) {
    super({ url: path('live', 'venues', venueId, 'events', eventId), pollMs: 2000, hiddenPollMs: 10000, checkMs: 30000, onStatus });
    this.seatsUrl = path('api', 'venues', venueId, 'events', eventId, 'seats');
    this.version = version;
    this.etag = etag;
    this.onSnapshot = onSnapshot;
    this.onChange = onChange;
    this.inflight = null;
    this.again = false;
  }

  // Whatever happened while we were not connected: catch up once.
  opened() { this.resync(); }

  poll() { return this.resync(); }

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
}
