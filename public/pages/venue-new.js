// Create a venue: name, slug id, city, IANA time zone and the layout (seated sections
// with rows, general-admission sections with a capacity), with a live map preview.

import { html, render } from '../lib/html.js';
import { api } from '../api.js';
import { browserTimeZone } from '../lib/format.js';
import { forgetVenue } from '../lib/cache.js';
import { SeatMap } from '../components/seat-map.js';
import { errorBox, busy, field } from '../components/ui.js';

export const requires = 'organizer';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_SEATS_PER_ROW = 500;
// The preview mimics the server's grid: 12 units between seats, 14 between rows, a gap
// of a few rows between sections (the real coordinates come from the server).
const SEAT_DX = 12, ROW_DY = 14, SECTION_GAP = 3 * ROW_DY;

export function slugify(text) {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
}

function rowLabel(i) {
  // A..Z, then AA, AB, ...
  let s = '';
  let n = i;
  do { s = String.fromCharCode(65 + (n % 26)) + s; n = Math.floor(n / 26) - 1; } while (n >= 0);
  return s;
}

function timeZones() {
  let zones;
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['Europe/London', 'Europe/Paris', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'];
  }
  // Chrome lists canonical zones only: UTC and the browser's own alias may be missing.
  return [...new Set(['UTC', browserTimeZone(), ...zones])];
}

function newSection(index, kind = 'seated') {
  const name = kind === 'ga' ? 'Standing' : index === 0 ? 'Stalls' : `Section ${index + 1}`;
  return {
    key: Math.random().toString(36).slice(2),
    name, id: slugify(name), idEdited: false, kind,
    rows: Array.from({ length: 6 }, (_, i) => ({ label: rowLabel(i), seats: 12 })),
    capacity: 100,
  };
}

/** The layout as the API wants it. */
export function layoutBody(sections) {
  return {
    sections: sections.map((s) => (s.kind === 'ga'
      ? { id: s.id, name: s.name, kind: 'ga', capacity: Number(s.capacity) }
      : { id: s.id, name: s.name, kind: 'seated', rows: s.rows.map((r) => ({ label: r.label, seats: Number(r.seats) })) })),
  };
}

/** Problems a person can fix before the server has to say 422. */
export function layoutProblems(sections) {
  const problems = [];
  const ids = new Set();
  if (!sections.length) problems.push('Add at least one section.');
  sections.forEach((s, i) => {
    const where = `Section ${i + 1}${s.name ? ` (${s.name})` : ''}`;
    if (!s.name.trim()) problems.push(`${where} needs a name.`);
    if (!SLUG.test(s.id)) problems.push(`${where}: the id may use a–z, 0–9 and dashes.`);
    if (ids.has(s.id)) problems.push(`${where}: the id “${s.id}” is used twice.`);
    ids.add(s.id);
    if (s.kind === 'ga') {
      if (!(Number.isInteger(Number(s.capacity)) && Number(s.capacity) > 0)) problems.push(`${where}: the capacity must be a whole number above 0.`);
    } else {
      if (!s.rows.length) problems.push(`${where} needs at least one row.`);
      const labels = new Set();
      s.rows.forEach((r) => {
        if (!r.label.trim()) problems.push(`${where}: every row needs a label.`);
        else if (labels.has(r.label)) problems.push(`${where}: row ${r.label} appears twice.`);
        labels.add(r.label);
        const n = Number(r.seats);
        if (!(Number.isInteger(n) && n > 0 && n <= MAX_SEATS_PER_ROW)) problems.push(`${where}: row ${r.label || '?'} needs 1–${MAX_SEATS_PER_ROW} seats.`);
      });
    }
  });
  return [...new Set(problems)];
}

function previewSeats(sections) {
  const seats = [];
  let y = 0;
  for (const s of sections) {
    if (s.kind !== 'seated') continue;
    s.rows.forEach((r, ri) => {
      const n = Math.min(MAX_SEATS_PER_ROW, Math.max(0, Number.parseInt(r.seats, 10) || 0));
      for (let k = 1; k <= n; k++) {
        seats.push({ id: `${s.key}-${ri}-${k}`, section: s.key, row: r.label || '?', number: k, x: k * SEAT_DX, y: y + ri * ROW_DY, price: 0, state: 'available' });
      }
    });
    if (s.rows.length) y += (s.rows.length - 1) * ROW_DY + SECTION_GAP;
  }
  return seats;
}

export default async function venueNewPage(ctx) {
  const { root } = ctx;
  ctx.setTitle('New venue');
  const sections = [newSection(0)];
  let idEdited = false;

  render(root, html`
    <nav class="crumbs"><a href="#/organizer">← Your venues</a></nav>
    <h1>New venue</h1>
    <div class="venue-form-layout">
      <form class="form card" id="venue-form" data-test="venue-form" novalidate>
        <div class="msg" id="msg"></div>
        <div class="form-grid">
          <label>Name <input name="name" maxlength="200" required data-test="venue-name" autocomplete="off"></label>
          <label>Id (in links) <input name="id" maxlength="63" required pattern="[a-z0-9][a-z0-9-]{0,62}" data-test="venue-id"
                 aria-describedby="id-hint" autocomplete="off" spellcheck="false"></label>
          <label>City <input name="city" maxlength="200" data-test="venue-city"></label>
          <label>Time zone
            <select name="timezone" data-test="venue-timezone">
              ${timeZones().map((tz) => html`<option value="${tz}">${tz.replace(/_/g, ' ')}</option>`)}
            </select>
          </label>
        </div>
        <p class="hint" id="id-hint">Lower-case letters, digits and dashes; it cannot be changed later. Event times are shown in the venue's time zone.</p>
        <h2>Layout</h2>
        <div class="sections-editor" id="sections"></div>
        <div class="actions">
          <button type="button" class="btn" data-add-section="seated" data-test="add-seated">+ Seated section</button>
          <button type="button" class="btn" data-add-section="ga" data-test="add-ga">+ Standing (GA) section</button>
        </div>
        <button type="submit" class="btn btn-primary btn-block" data-test="create-venue">Create venue</button>
      </form>
      <section class="preview card" aria-label="Preview">
        <h2>Preview</h2>
        <p class="muted" id="preview-summary" data-test="preview-summary"></p>
        <div id="preview-map"></div>
        <div class="ga-preview" id="preview-ga"></div>
      </section>
    </div>`);

  const form = root.querySelector('form');
  const tzSelect = form.elements.timezone;
  const browserTz = browserTimeZone();
  tzSelect.value = browserTz;
  const editor = root.querySelector('#sections');
  let map = null;
  ctx.onCleanup(() => map?.destroy());

  function drawEditor() {
    render(editor, html`${sections.map((s, i) => html`
      <fieldset class="section-editor" data-key="${s.key}" data-test="section-editor">
        <legend>Section ${i + 1}</legend>
        <div class="section-editor-head">
          <label>Name <input data-f="name" value="${s.name}" maxlength="200" data-test="section-name"></label>
          <label>Id <input data-f="id" value="${s.id}" maxlength="63" spellcheck="false" data-test="section-id"></label>
          <label>Kind
            <select data-f="kind" data-test="section-kind">
              <option value="seated" ${s.kind === 'seated' ? html`selected` : ''}>Seated</option>
              <option value="ga" ${s.kind === 'ga' ? html`selected` : ''}>Standing (general admission)</option>
            </select>
          </label>
          ${s.kind === 'ga'
            ? html`<label>Capacity <input type="number" min="1" data-f="capacity" value="${s.capacity}" data-test="section-capacity"></label>`
            : ''}
        </div>
        ${s.kind === 'seated' ? html`
          <div class="row-editor">
            <label>Rows <input type="number" min="1" max="200" data-quick="rows" value="${s.rows.length}" data-test="quick-rows"></label>
            <label>Seats per row <input type="number" min="1" max="${MAX_SEATS_PER_ROW}" data-quick="seats" value="${s.rows[0]?.seats || 12}" data-test="quick-seats"></label>
            <button type="button" class="btn" data-quick-apply data-test="quick-apply">Set rows</button>
          </div>
          <details>
            <summary>Edit rows one by one (${s.rows.length})</summary>
            <div class="rows-editor">
              ${s.rows.map((r, ri) => html`
                <div class="row-editor" data-row="${ri}">
                  <label>Row <input data-r="label" value="${r.label}" maxlength="10"></label>
                  <label>Seats <input type="number" min="1" max="${MAX_SEATS_PER_ROW}" data-r="seats" value="${r.seats}"></label>
                  <button type="button" class="icon-btn" data-remove-row="${ri}" aria-label="${`Remove row ${r.label}`}">×</button>
                </div>`)}
              <button type="button" class="btn btn-quiet" data-add-row>+ Row</button>
            </div>
          </details>` : ''}
        ${sections.length > 1 ? html`<button type="button" class="btn btn-danger" data-remove-section>Remove section</button>` : ''}
      </fieldset>`)}`);
  }

  let previewTimer;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(drawPreview, 120);
  }
  ctx.onCleanup(() => clearTimeout(previewTimer));

  function drawPreview() {
    if (!ctx.active) return;
    const seats = previewSeats(sections);
    const names = Object.fromEntries(sections.map((s) => [s.key, s.name || s.id]));
    map?.destroy();
    map = null;
    const host = root.querySelector('#preview-map');
    if (seats.length) {
      map = new SeatMap(host, {
        seats, sectionNames: names, interactive: false,
        label: (seat) => `${names[seat.section]} row ${seat.row} seat ${seat.number}`,
      });
    } else {
      render(host, html`<p class="muted">No seated sections.</p>`);
    }
    const ga = sections.filter((s) => s.kind === 'ga');
    render(root.querySelector('#preview-ga'), html`${ga.map((s) => html`<span>${s.name || s.id} · ${Number(s.capacity) || 0} standing</span>`)}`);
    const gaTotal = ga.reduce((n, s) => n + (Number(s.capacity) || 0), 0);
    root.querySelector('#preview-summary').textContent =
      `${seats.length} seat${seats.length === 1 ? '' : 's'}${gaTotal ? ` and ${gaTotal} standing places` : ''} in ${sections.length} section${sections.length === 1 ? '' : 's'}.`;
  }

  function sectionOf(el) {
    const box = el.closest('[data-key]');
    return box ? sections.find((s) => s.key === box.dataset.key) : null;
  }

  form.elements.name.addEventListener('input', () => {
    if (!idEdited) form.elements.id.value = slugify(form.elements.name.value);
  });
  form.elements.id.addEventListener('input', () => { idEdited = true; });

  editor.addEventListener('input', (e) => {
    const s = sectionOf(e.target);
    if (!s) return;
    const f = e.target.dataset.f;
    if (f === 'name') {
      s.name = e.target.value;
      if (!s.idEdited) {
        s.id = slugify(s.name);
        const idInput = e.target.closest('[data-key]').querySelector('[data-f="id"]');
        idInput.value = s.id;
      }
    } else if (f === 'id') {
      s.id = e.target.value.trim();
      s.idEdited = true;
    } else if (f === 'capacity') {
      s.capacity = e.target.value;
    } else if (e.target.dataset.r) {
      const ri = Number(e.target.closest('[data-row]').dataset.row);
      s.rows[ri][e.target.dataset.r] = e.target.dataset.r === 'label' ? e.target.value.trim() : e.target.value;
    }
    schedulePreview();
  });

  editor.addEventListener('change', (e) => {
    const s = sectionOf(e.target);
    if (s && e.target.dataset.f === 'kind') {
      s.kind = e.target.value;
      drawEditor();
      schedulePreview();
    }
  });

  root.addEventListener('click', (e) => {
    const add = e.target.closest('[data-add-section]');
    if (add) {
      sections.push(newSection(sections.length, add.dataset.addSection));
      drawEditor();
      schedulePreview();
      return;
    }
    const s = sectionOf(e.target);
    if (!s) return;
    if (e.target.closest('[data-remove-section]')) {
      sections.splice(sections.indexOf(s), 1);
    } else if (e.target.closest('[data-add-row]')) {
      const last = s.rows[s.rows.length - 1];
      s.rows.push({ label: rowLabel(s.rows.length), seats: last ? last.seats : 12 });
    } else if (e.target.closest('[data-remove-row]')) {
      s.rows.splice(Number(e.target.closest('[data-remove-row]').dataset.removeRow), 1);
    } else if (e.target.closest('[data-quick-apply]')) {
      const box = e.target.closest('[data-key]');
      const n = Math.min(200, Math.max(1, Number.parseInt(box.querySelector('[data-quick="rows"]').value, 10) || 1));
      const m = Math.min(MAX_SEATS_PER_ROW, Math.max(1, Number.parseInt(box.querySelector('[data-quick="seats"]').value, 10) || 1));
      s.rows = Array.from({ length: n }, (_, i) => ({ label: rowLabel(i), seats: m }));
    } else {
      return;
    }
    // Keep the "rows one by one" panel open if it was.
    const open = [...editor.querySelectorAll('details')].map((d) => d.open);
    drawEditor();
    editor.querySelectorAll('details').forEach((d, i) => { d.open = !!open[i]; });
    schedulePreview();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = root.querySelector('#msg');
    const body = {
      id: field(form, 'id'),
      name: field(form, 'name'),
      timezone: tzSelect.value,
      layout: layoutBody(sections),
    };
    const city = field(form, 'city');
    if (city) body.city = city;
    const problems = [];
    if (!body.name) problems.push('Give the venue a name.');
    if (!SLUG.test(body.id)) problems.push('The id must start with a letter or digit and use only a–z, 0–9 and dashes (at most 63).');
    problems.push(...layoutProblems(sections));
    form.elements.id.setAttribute('aria-invalid', String(!SLUG.test(body.id)));
    if (problems.length) {
      render(msg, html`<div class="alert alert-error" role="alert" data-test="error"><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`);
      msg.scrollIntoView({ block: 'nearest' });
      return;
    }
    await busy(form.querySelector('[data-test="create-venue"]'), 'Creating…', async () => {
      try {
        const r = await api('/api/venues', { method: 'POST', body });
        forgetVenue(r.venue.id);
        ctx.navigate(`/organizer/venues/${encodeURIComponent(r.venue.id)}/events/new?created=1`);
      } catch (err) {
        render(msg, errorBox(err, err.code === 'venue_exists' ? `A venue with the id “${body.id}” already exists. Choose another id.` : null));
        msg.scrollIntoView({ block: 'nearest' });
      }
    });
  });

  drawEditor();
  drawPreview();
}
