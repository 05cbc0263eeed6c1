// Small shared pieces: error boxes, loading states, the two-step confirm button.

import { html } from '../lib/html.js';
import { ApiError } from '../api.js';

function sentence(text) {
  const s = String(text || '').trim();
  if (!s) return '';
  const first = s[0].toUpperCase() + s.slice(1);
  return /[.!?]$/.test(first) ? first : first + '.';
}

/** A human sentence for any error (ApiError or not). */
export function errorMessage(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong: ' + (err && err.message ? err.message : String(err));
  let text = sentence(err.message);
  if (err.details && typeof err.details.field === 'string' && !err.message.includes(err.details.field)) {
    text += ` (field: ${err.details.field})`;
  }
  if (err.status === 429 || err.status === 503) {
    text += err.retryAfter ? ` Retry in ${err.retryAfter} s.` : '';
  }
  return text;
}

/**
 * An alert box for an error; `text` replaces the server's sentence when the page can say
 * something more useful. 401 gets a sign-in link that comes back here.
 */
export function errorBox(err, text = null) {
  const code = err instanceof ApiError ? err.code : 'client_error';
  const signIn = err instanceof ApiError && err.status === 401
    ? html` <a href="#/signin?next=${encodeURIComponent(location.hash || '#/')}">Sign in</a>`
    : '';
  return html`<div class="alert alert-error" role="alert" data-test="error" data-code="${code}">${text ? sentence(text) : errorMessage(err)}${signIn}</div>`;
}

export function notice(text, kind = 'info', test = 'notice') {
  return html`<div class="alert alert-${kind}" role="status" data-test="${test}">${text}</div>`;
}

export function loading(label = 'Loading…') {
  return html`<div class="loading" role="status" aria-live="polite" data-test="loading"><span class="spinner" aria-hidden="true"></span>${label}</div>`;
}

/** Puts a button into a busy state while a promise runs; restores it afterwards. */
export async function busy(button, label, task) {
  const old = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (label) button.textContent = label;
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    if (label) button.textContent = old;
  }
}

/**
 * Destructive buttons ask twice instead of using window.confirm (which blocks, looks
 * foreign on phones and cannot be styled): the first click arms, the second acts.
 * Returns true when the click should go ahead.
 */
export function confirmClick(button, question = 'Click again to confirm') {
  if (button.dataset.armed === 'true') {
    clearTimeout(Number(button.dataset.timer));
    button.dataset.armed = 'false';
    button.textContent = button.dataset.label;
    button.classList.remove('armed');
    return true;
  }
  button.dataset.label = button.textContent;
  button.dataset.armed = 'true';
  button.textContent = question;
  button.classList.add('armed');
  button.dataset.timer = String(setTimeout(() => {
    button.dataset.armed = 'false';
    button.textContent = button.dataset.label;
    button.classList.remove('armed');
  }, 5000));
  return false;
}

/** The value of a named form field, trimmed. */
export function field(form, name) {
  const el = form.elements.namedItem(name);
  return el ? String(el.value).trim() : '';
}

/** One figure of a row of `.stats` tiles. */
export function stat(label, value, test) {
  return html`<div class="stat"><span>${label}</span><strong data-test="${test}">${value}</strong></div>`;
}
