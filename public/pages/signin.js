// Sign in with email and password; the server sets the session cookie.

import { html, render } from '../lib/html.js';
import { signIn, currentUser } from '../lib/session.js';
import { errorBox, busy, field } from '../components/ui.js';
import { nextRoute } from './auth-form.js';

export default async function signInPage(ctx) {
  const { root, query } = ctx;
  ctx.setTitle('Sign in');
  const next = nextRoute(query);
  if (currentUser()) {
    ctx.navigate(next, { replace: true });
    return;
  }
  render(root, html`
    <div class="narrow">
      <h1>Sign in</h1>
      <form class="form card" id="signin" data-test="signin-form" novalidate>
        <div class="msg" id="msg"></div>
        <label>Email <input type="email" name="email" autocomplete="email" required data-test="email"></label>
        <label>Password <input type="password" name="password" autocomplete="current-password" required data-test="password"></label>
        <button type="submit" class="btn btn-primary btn-block" data-test="signin-submit">Sign in</button>
        <p class="hint"><a href="#/forgot" data-test="to-forgot">Forgot password?</a></p>
        <p class="hint">No account yet? <a href="${`#/signup?next=${encodeURIComponent(next)}`}" data-test="to-signup">Sign up</a></p>
      </form>
    </div>`);
  const form = root.querySelector('form');
  form.elements.email.focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = root.querySelector('#msg');
    const email = field(form, 'email');
    const password = form.elements.password.value;
    if (!email || !password) {
      render(msg, html`<div class="alert alert-error" role="alert" data-test="error">Enter your email and password.</div>`);
      return;
    }
    await busy(form.querySelector('button[type=submit]'), 'Signing in…', async () => {
      try {
        await signIn(email, password);
        ctx.navigate(next);
      } catch (err) {
        render(msg, errorBox(err));
      }
    });
  });
}
