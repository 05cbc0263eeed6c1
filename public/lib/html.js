// The one way this app builds markup. Every interpolated value is escaped unless it is
// itself the result of `html` (nested templates) or wrapped in `raw()` on purpose, so an
// API string (event title, venue name, error message...) can never become markup.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHTML(value) {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

/** Markup that is already safe. Only `html` and `raw` create it. */
export class SafeHTML {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

/** Escape hatch for markup the app built itself (never for API data). */
export function raw(text) {
  return new SafeHTML(String(text));
}

function part(value) {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHTML) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeHTML(value);
}

/** Tagged template: html`<p>${name}</p>`. Attribute values must be quoted in the template. */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new SafeHTML(out);
}

/** Replaces an element's content with a template's result. */
export function render(element, template) {
  element.innerHTML = part(template);
}

/** One element from a template (for appending to lists). */
export function fragment(template) {
  const t = document.createElement('template');
  t.innerHTML = part(template);
  return t.content;
}
