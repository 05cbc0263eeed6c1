// Create or edit an event. Times are typed in the venue's time zone and sent as UTC;
// prices are typed in major units (45.50) and sent in minor units (4550).

import { html, render } from '../lib/html.js';
import { api, path } from '../api.js';
import { getVenue, getEvent, forgetEvent } from '../lib/cache.js';
import {
  currencyDigits, toMinorUnits, fromMinorUnits, zonedLocalToRFC3339, rfc3339ToZonedLocal,
} from '../lib/format.js';
import { errorBox, notice, busy, field } from '../components/ui.js';

export const requires = 'organizer';

const COMMON_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'CAD', 'AUD', 'KWD'];

function currencies() {
  let all = [];
  try { all = Intl.supportedValuesOf('currency'); } catch { /* older browsers: the common list */ }
  return [...new Set([...COMMON_CURRENCIES, ...all])];
}

function step(currency) {
  const d = currencyDigits(currency);
  return d === 0 ? '1' : (1 / 10 ** d).toFixed(d);
}

export default async function eventFormPage(ctx) {
  const { root, params, query } = ctx;
  const { venueId, eventId } = params;
  const editing = !!eventId;
  if (editing) forgetEvent(venueId, eventId);
  const [venue, event] = await Promise.all([getVenue(venueId), editing ? getEvent(venueId, eventId) : null]);
  if (!ctx.active) return;
  const tz = venue.timezone;
  ctx.setTitle(editing ? `Edit ${event.title}` : `New event at ${venue.name}`);
  const sections = venue.layout?.sections || [];
  const currency0 = event?.currency || 'EUR';
  const local = (iso) => (iso ? rfc3339ToZonedLocal(iso, tz) : '');

  render(root, html`
    <nav class="crumbs">${editing
      ? html`<a href="${`#/organizer/venues/${encodeURIComponent(venueId)}/events/${encodeURIComponent(eventId)}`}">← ${event.title}</a>`
      : html`<a href="#/organizer">← Your venues</a>`}</nav>
    ${query.get('created') === '1' ? notice(`Venue “${venue.name}” created. Now add its first event.`, 'success', 'venue-created') : ''}
    <h1>${editing ? 'Edit event' : 'New event'}</h1>
    <p class="muted">${venue.name}${venue.city ? html` · ${venue.city}` : ''} · times in <strong>${tz}</strong></p>
    <form class="form card" id="event-form" data-test="event-form" novalidate>
      <div class="msg" id="msg"></div>
      <label>Title <input name="title" maxlength="200" required value="${event?.title || ''}" data-test="event-title-input"></label>
      <label>Description <textarea name="description" maxlength="10000" data-test="event-description">${event?.description || ''}</textarea></label>
      <div class="form-grid">
        <label>Starts (${tz}) <input type="datetime-local" name="startsAt" required value="${local(event?.startsAt)}" data-test="event-starts"></label>
        <label>Ends (optional) <input type="datetime-local" name="endsAt" value="${local(event?.endsAt)}" data-test="event-ends"></label>
      </div>
      ${editing ? '' : html`
        <div class="form-grid">
          <label>Sales open (optional) <input type="datetime-local" name="salesStartAt" data-test="sales-start"></label>
          <label>Sales close (optional) <input type="datetime-local" name="salesEndAt" data-test="sales-end"></label>
        </div>`}
      <div class="form-grid">
        <label>Currency
          <select name="currency" data-test="event-currency" ${editing ? html`disabled` : ''}>
            ${currencies().map((c) => html`<option value="${c}" ${c === currency0 ? html`selected` : ''}>${c}</option>`)}
          </select>
        </label>
        <label>Max tickets per customer (optional)
          <input type="number" name="maxTicketsPerCustomer" min="1" max="100" value="${event?.maxTicketsPerCustomer ?? ''}" data-test="event-max">
        </label>
      </div>
      ${editing ? html`<p class="hint">The currency cannot change once an event exists.</p>` : ''}
      <fieldset data-test="queue-fields">
        <legend>Waiting room</legend>
        <label class="inline"><input type="checkbox" name="queueOn" ${event?.queue ? html`checked` : ''} data-test="queue-on">
          Sell through a waiting room (for on-sales with more buyers than seats)</label>
        <div class="form-grid" id="queue-settings" ${event?.queue ? '' : html`hidden`}>
          <label>Waiting room opens (${tz}) <input type="datetime-local" name="queueOpensAt" value="${local(event?.queue?.opensAt)}" data-test="queue-opens"></label>
          <label>Buyers let in per minute (0: automatic)
            <input type="number" name="admitPerMinute" min="0" max="100000" value="${event?.queue?.admitPerMinute ?? 0}" data-test="queue-rate"></label>
          <label>Minutes each buyer has to hold tickets
            <input type="number" name="passMinutes" min="1" max="120" value="${event?.queue?.passMinutes ?? 10}" data-test="queue-pass-minutes"></label>
        </div>
        <p class="hint">Everyone who joins before sales open gets a place by one random draw when they do; later arrivals queue in order.
          Automatic admission lets buyers in as long as tickets remain for them.</p>
      </fieldset>
      <fieldset>
        <legend>Prices per section (<span id="cur">${currency0}</span>)</legend>
        <div class="price-grid">
          ${sections.map((s) => html`
            <label>${s.name} <span class="muted">(${s.kind === 'ga' ? `${s.capacity} standing` : 'seated'})</span>
              <input type="number" inputmode="decimal" min="0" step="${step(currency0)}" name="${`price-${s.id}`}" data-section="${s.id}"
                     value="${event?.prices?.[s.id] !== undefined ? fromMinorUnits(event.prices[s.id], currency0) : ''}" required data-test="price-input">
            </label>`)}
        </div>
      </fieldset>
      <button type="submit" class="btn btn-primary btn-block" data-test="save-event">${editing ? 'Save changes' : 'Create event'}</button>
    </form>`);

  const form = root.querySelector('form');
  form.elements.queueOn.addEventListener('change', () => {
    root.querySelector('#queue-settings').hidden = !form.elements.queueOn.checked;
  });
  form.elements.currency.addEventListener('change', () => {
    const c = form.elements.currency.value;
    root.querySelector('#cur').textContent = c;
    form.querySelectorAll('[data-section]').forEach((i) => { i.step = step(c); });
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = root.querySelector('#msg');
    const currency = form.elements.currency.value;
    const problems = [];
    const title = field(form, 'title');
    if (!title) problems.push('Give the event a title.');
    const startsAt = zonedLocalToRFC3339(field(form, 'startsAt'), tz);
    if (!startsAt) problems.push('Choose when the event starts.');
    const endsRaw = field(form, 'endsAt');
    const endsAt = endsRaw ? zonedLocalToRFC3339(endsRaw, tz) : null;
    if (startsAt && endsAt && endsAt <= startsAt) problems.push('The end must be after the start.');
    const prices = {};
    form.querySelectorAll('[data-section]').forEach((input) => {
      const minor = toMinorUnits(input.value, currency);
      const name = sections.find((s) => s.id === input.dataset.section)?.name || input.dataset.section;
      if (minor === null) problems.push(`Enter a price for ${name} (${currencyDigits(currency)} decimals at most).`);
      else prices[input.dataset.section] = minor;
      input.setAttribute('aria-invalid', String(minor === null));
    });
    const maxRaw = field(form, 'maxTicketsPerCustomer');
    const max = maxRaw ? Number(maxRaw) : null;
    if (maxRaw && !(Number.isInteger(max) && max > 0)) problems.push('Max tickets per customer must be a whole number above 0.');
    let queue = null;
    if (form.elements.queueOn.checked) {
      const opensAt = zonedLocalToRFC3339(field(form, 'queueOpensAt'), tz);
      const admitPerMinute = Number(field(form, 'admitPerMinute'));
      const passMinutes = Number(field(form, 'passMinutes'));
      if (!opensAt) problems.push('Choose when the waiting room opens.');
      if (!(Number.isInteger(admitPerMinute) && admitPerMinute >= 0 && admitPerMinute <= 100000)) {
        problems.push('Buyers let in per minute must be a whole number from 0 (automatic) to 100000.');
      }
      if (!(Number.isInteger(passMinutes) && passMinutes >= 1 && passMinutes <= 120)) {
        problems.push('The minutes to hold tickets must be a whole number from 1 to 120.');
      }
      queue = { opensAt, admitPerMinute, passMinutes };
    }
    if (problems.length) {
      render(msg, html`<div class="alert alert-error" role="alert" data-test="error"><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`);
      return;
    }

    const body = { title, description: form.elements.description.value, startsAt, prices };
    if (endsAt) body.endsAt = endsAt;
    if (max) body.maxTicketsPerCustomer = max;
    if (queue || editing) body.queue = queue;
    if (!editing) {
      body.currency = currency;
      const s = field(form, 'salesStartAt');
      const t = field(form, 'salesEndAt');
      if (s) body.salesStartAt = zonedLocalToRFC3339(s, tz);
      if (t) body.salesEndAt = zonedLocalToRFC3339(t, tz);
    } else {
      // PATCH only what changed, so an unchanged start time does not notify ticket holders.
      for (const k of Object.keys(body)) {
        if (JSON.stringify(body[k]) === JSON.stringify(event[k])) delete body[k];
      }
      if (!Object.keys(body).length) {
        render(msg, notice('Nothing changed.', 'info'));
        return;
      }
    }

    await busy(form.querySelector('[data-test="save-event"]'), editing ? 'Saving…' : 'Creating…', async () => {
      try {
        const r = editing
          ? await api(path('api', 'venues', venueId, 'events', eventId), { method: 'PATCH', body })
          : await api(path('api', 'venues', venueId, 'events'), { method: 'POST', body });
        forgetEvent(venueId, r.event.id);
        ctx.navigate(`/organizer/venues/${encodeURIComponent(venueId)}/events/${encodeURIComponent(r.event.id)}?${editing ? 'saved' : 'created'}=1`);
      } catch (err) {
        render(msg, errorBox(err));
        msg.scrollIntoView({ block: 'nearest' });
      }
    });
  });
}
