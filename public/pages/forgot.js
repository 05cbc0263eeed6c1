// "Forgot password?": asks for a reset link. The answer is the same whether or not an
// account has the address, so the page says so instead of confirming an account.

import { html, render } from '../lib/html.js';
import { api } from '../api.js';
import { errorBox, busy, field, notice } from '../components/ui.js';

export default async function forgotPage(ctx) {
  const { root, query } = ctx;
  ctx.setTitle('Reset your password');
  render(root, html`
    <div class="narrow">
      <h1>Reset your password</h1>
      <form class="form card" id="forgot" data-test="forgot-form" novalidate>
        <div class="msg" id="msg" aria-live="polite"></div>
        <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
        <label>Email <input type="email" name="email" autocomplete="email" required data-test="email" value="${query.get('email') || ''}"></label>
        <button type="submit" class="btn btn-primary btn-block" data-test="forgot-submit">Send the link</button>
        <p class="hint"><a href="#/signin">Back to sign in</a></p>
      </form>
    </div>`);
  const form = root.querySelector('form');
  form.elements.email.focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = root.querySelector('#msg');
    const email = field(form, 'email');
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      render(msg, html`<div class="alert alert-error" role="alert" data-test="error">Enter a valid email address.</div>`);
      return;
    }
    await busy(form.querySelector('button[type=submit]'), 'Sending…', async () => {
      try {
        await api('/api/auth/password-reset', { method: 'POST', body: { email } });
        render(msg, notice(`If an account has the address ${email}, a link to choose a new password is on its way. It works once, for 30 minutes.`,
          'success', 'reset-sent'));
      } catch (err) {
        render(msg, errorBox(err));
      }
    });
  });
}
