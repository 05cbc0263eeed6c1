// "Tell me when tickets free up": joins the event's waiting list (API.md, "Waitlist").

import { html, render } from '../lib/html.js';
import { api, path } from '../api.js';
import { currentUser } from '../lib/session.js';
import { here } from '../lib/links.js';
import { errorBox, notice, busy } from './ui.js';

/** Renders the form into `el`; `limit` caps the quantity (the event's per-customer maximum). */
export function waitlistForm(el, { venueId, eventId, limit = 10 }) {
  if (!currentUser()) {
    render(el, html`<p><a href="${`#/signin?next=${encodeURIComponent(here())}`}" data-test="signin-to-waitlist">Sign in</a>
      to be emailed when tickets free up.</p>`);
    return;
  }
  render(el, html`
    <form class="form inline-form" data-test="waitlist-form" novalidate>
      <label>Tickets wanted <input type="number" name="quantity" min="1" max="${limit}" value="1" required data-test="waitlist-quantity"></label>
      <button type="submit" class="btn" data-test="join-waitlist">Email me when tickets free up</button>
      <div class="msg" data-region="msg"></div>
    </form>`);
  const form = el.querySelector('form');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = form.querySelector('[data-region="msg"]');
    const quantity = Number(form.elements.quantity.value);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > limit) {
      render(msg, notice(`Choose between 1 and ${limit} tickets.`, 'error', 'error'));
      return;
    }
    await busy(form.querySelector('button'), 'Joining…', async () => {
      try {
        await api(path('api', 'venues', venueId, 'events', eventId, 'waitlist'), { method: 'POST', body: { quantity } });
        render(el, notice('You are on the waiting list: we will email you when tickets free up.', 'success', 'waitlist-joined'));
      } catch (err) {
        render(msg, errorBox(err));
      }
    });
  });
}
