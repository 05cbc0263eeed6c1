// Follows an event's waiting room: `{nowServing, length, state}` over the nchan channel
// /live/.../queue, and a GET of /api/.../queue only when the page needs what only that
// knows (the caller's place and pass). Every waiter listens to the same channel, so
// waiting costs the pool nothing; only when SSE cannot connect does the page poll, slowly.

import { request, path } from '../api.js';
import { LiveChannel } from './live-channel.js';

export class LiveQueue extends LiveChannel {
  /**
   * onSnapshot({queue, challenge, entry?}) after each GET; onChange({nowServing, length, state})
   * for each message of the channel; onStatus('live' | 'polling' | 'connecting').
   */
  constructor({ venueId, eventId, onSnapshot, onChange, onStatus }) {
    super({ url: path('live', 'venues', venueId, 'events', eventId, 'queue'), pollMs: 5000, hiddenPollMs: 20000, checkMs: 60000, onStatus });
    this.queueUrl = path('api', 'venues', venueId, 'events', eventId, 'queue');
    this.onSnapshot = onSnapshot;
    this.onChange = onChange;
  }

  poll() { return this.refresh(); }

  message(text) {
    let m;
    try { m = JSON.parse(text); } catch { return; }
    if (m && typeof m.nowServing === 'number' && typeof m.state === 'string') this.onChange(m);
  }

  /** Reads the queue and the caller's entry once; a failure is left to the next try. */
  async refresh() {
    if (this.stopped) return null;
    try {
      const r = await request(this.queueUrl);
      if (!this.stopped) this.onSnapshot(r.data);
      return r.data;
    } catch {
      return null;
    }
  }
}
