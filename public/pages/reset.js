// The page of an emailed reset link (#/reset?token=…): choose a new password, which signs in.

import { html, render } from '../lib/html.js';
import { resetPassword } from '../lib/session.js';
import { errorBox, busy } from '../components/ui.js';

const MIN_PASSWORD = 10; // API.md: shorter passwords are refused with 422

export default async function resetPage(ctx) {
  const { root, query } = ctx;
  ctx.setTitle('Choose a new password');
  const token = query.get('token') || '';
  // The token leaves the address bar (and the history) at once: it is a key to the account.
  history.replaceState(null, '', '#/reset');
  if (!token) {
    render(root, html`
      <div class="narrow">
        <h1>Choose a new password</h1>
        <div class="alert alert-error" role="alert" data-test="error">This page needs the link from the email. <a href="#/forgot">Ask for a new link</a>.</div>
      </div>`);
    return;
  }
  render(root, html`
    <div class="narrow">
      <h1>Choose a new password</h1>
      <form class="form card" id="reset" data-test="reset-form" novalidate>
        <div class="msg" id="msg"></div>
        <label>New password <input type="password" name="password" autocomplete="new-password" minlength="${MIN_PASSWORD}" required
               aria-describedby="pw-hint" data-test="password"></label>
        <p class="hint" id="pw-hint">At least ${MIN_PASSWORD} characters. Every other sign-in of your account ends.</p>
        <button type="submit" class="btn btn-primary btn-block" data-test="reset-submit">Set the new password</button>
      </form>
    </div>`);
  const form = root.querySelector('form');
  form.elements.password.focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = root.querySelector('#msg');
    const password = form.elements.password.value;
    if (password.length < MIN_PASSWORD) {
      render(msg, html`<div class="alert alert-error" role="alert" data-test="error">The password needs at least ${MIN_PASSWORD} characters.</div>`);
      return;
    }
    await busy(form.querySelector('button[type=submit]'), 'Saving…', async () => {
      try {
        await resetPassword(token, password);
        ctx.navigate('/account?reset=1');
      } catch (err) {
        const text = err.code === 'invalid_token' ? 'This link is used or expired (links work once, for 30 minutes).' : null;
        render(msg, html`${errorBox(err, text)}${err.code === 'invalid_token' ? html`<p><a href="#/forgot" data-test="new-link">Ask for a new link</a></p>` : ''}`);
      }
    });
  });
}
