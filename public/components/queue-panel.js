// The organizer's view of an event's waiting room: where it stands, live over the event's
// queue channel, with pause, resume and the admission rate.

import { html, render } from '../lib/html.js';
import { api, path } from '../api.js';
import { LiveQueue } from '../lib/live-queue.js';
import { errorBox, notice, busy, stat } from './ui.js';

const STATE_TEXT = {
  pre: 'Open for joining; numbered at the sales start',
  open: 'Admitting buyers',
  paused: 'Paused',
  sold_out: 'Sold out',
  closed: 'Sales over',
};

export class QueuePanel {
  /** Draws into `el` and follows the queue until destroy(). */
  constructor(el, { venueId, eventId, signal }) {
    this.el = el;
    this.url = path('api', 'venues', venueId, 'events', eventId, 'queue');
    this.signal = signal;
    this.queue = null;
    this.live = new LiveQueue({
      venueId, eventId,
      onSnapshot: (data) => { this.queue = data.queue; this.draw(); },
      onChange: (m) => { this.queue = { ...this.queue, ...m }; this.drawFigures(); },
    });
    this.onClick = (e) => this.click(e);
    this.onSubmit = (e) => { e.preventDefault(); this.setRate(e.target); };
    el.addEventListener('click', this.onClick);
    el.addEventListener('submit', this.onSubmit);
    this.live.refresh().then(() => this.live.start());
  }

  destroy() {
    this.live.stop();
    this.el.removeEventListener('click', this.onClick);
    this.el.removeEventListener('submit', this.onSubmit);
  }

  draw(message = '') {
    const q = this.queue;
    if (!q) return;
    const controllable = q.state === 'open' || q.state === 'paused' || q.state === 'pre';
    render(this.el, html`
      <h2>Waiting room</h2>
      <div class="stats" data-region="figures" aria-live="polite"></div>
      <div class="msg" data-region="msg">${message}</div>
      ${controllable ? html`
        <div class="actions">
          <button type="button" class="btn" data-action="${q.paused ? 'resume' : 'pause'}" data-test="${q.paused ? 'queue-resume' : 'queue-pause'}">
            ${q.paused ? 'Resume admission' : 'Pause admission'}</button>
        </div>
        <form class="inline-form" data-test="queue-rate-form" novalidate>
          <label>Buyers let in per minute (0: automatic)
            <input type="number" name="rate" min="0" max="100000" value="${q.admitPerMinute}" data-test="queue-rate-input"></label>
          <button type="submit" class="btn" data-test="queue-rate-save">Change rate</button>
        </form>` : ''}`);
    this.drawFigures();
  }

  drawFigures() {
    const box = this.el.querySelector('[data-region="figures"]');
    const q = this.queue;
    if (!box || !q) return;
    render(box, html`
      ${stat('State', STATE_TEXT[q.state] || q.state, 'queue-state')}
      ${stat('In the queue', q.length, 'queue-length')}
      ${stat('Admitted (now serving)', q.nowServing, 'queue-now-serving')}
      ${stat('Still waiting', Math.max(0, q.length - q.nowServing), 'queue-waiting')}
      ${stat('Rate', q.admitPerMinute ? `${q.admitPerMinute} per minute` : 'Automatic', 'queue-rate')}`);
  }

  click(e) {
    const action = e.target.closest('[data-action]')?.dataset.action;
    if (action === 'pause' || action === 'resume') this.control(e.target, { paused: action === 'pause' });
  }

  async setRate(form) {
    const rate = Number(form.elements.rate.value);
    if (!(Number.isInteger(rate) && rate >= 0 && rate <= 100000)) {
      render(this.el.querySelector('[data-region="msg"]'), notice('The rate must be a whole number from 0 (automatic) to 100000.', 'error', 'error'));
      return;
    }
    await this.control(form.querySelector('button'), { admitPerMinute: rate });
  }

  async control(button, body) {
    await busy(button, 'Saving…', async () => {
      try {
        const r = await api(this.url, { method: 'PATCH', body, signal: this.signal });
        this.queue = { ...this.queue, ...r.queue };
        this.draw(notice(body.paused === undefined ? 'Rate changed.' : body.paused ? 'Admission paused.' : 'Admission resumed.', 'success', 'queue-saved'));
      } catch (err) {
        if (err.name !== 'AbortError') render(this.el.querySelector('[data-region="msg"]'), errorBox(err));
      }
    });
  }
}
