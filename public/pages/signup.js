// Create an account (customer or organizer); the server signs the new user in.

import { html, render } from '../lib/html.js';
import { signUp, currentUser } from '../lib/session.js';
import { errorBox, busy, field } from '../components/ui.js';
import { nextRoute } from './auth-form.js';

const MIN_PASSWORD = 10; // API.md: shorter passwords are refused with 422

export default async function signUpPage(ctx) {
  const { root, query } = ctx;
  ctx.setTitle('Sign up');
  const next = nextRoute(query);
  if (currentUser()) {
    ctx.navigate(next, { replace: true });
    return;
  }
  render(root, html`
    <div class="narrow">
      <h1>Create an account</h1>
      <form class="form card" id="signup" data-test="signup-form" novalidate>
        <div class="msg" id="msg"></div>
        <label>Name <input name="name" autocomplete="name" maxlength="200" required data-test="name"></label>
        <label>Email <input type="email" name="email" autocomplete="email" required data-test="email"></label>
        <label>Password <input type="password" name="password" autocomplete="new-password" minlength="${MIN_PASSWORD}" required
               aria-describedby="pw-hint" data-test="password"></label>
        <p class="hint" id="pw-hint">At least ${MIN_PASSWORD} characters.</p>
        <fieldset class="choice">
          <legend>I want to</legend>
          <label class="inline"><input type="radio" name="role" value="customer" checked data-test="role-customer"> buy tickets</label>
          <label class="inline"><input type="radio" name="role" value="organizer" data-test="role-organizer"> sell tickets for my venues (organizer)</label>
        </fieldset>
        <button type="submit" class="btn btn-primary btn-block" data-test="signup-submit">Create account</button>
        <p class="hint">Already have an account? <a href="${`#/signin?next=${encodeURIComponent(next)}`}">Sign in</a></p>
      </form>
    </div>`);
  const form = root.querySelector('form');
  form.elements.name.focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = root.querySelector('#msg');
    const body = {
      name: field(form, 'name'),
      email: field(form, 'email'),
      password: form.elements.password.value,
      role: form.elements.role.value || 'customer',
    };
    const problems = [];
    if (!body.name) problems.push('Enter your name.');
    if (!/^[^\s@]+@[^\s@]+$/.test(body.email)) problems.push('Enter a valid email address.');
    if (body.password.length < MIN_PASSWORD) problems.push(`The password needs at least ${MIN_PASSWORD} characters.`);
    if (problems.length) {
      render(msg, html`<div class="alert alert-error" role="alert" data-test="error">${problems.join(' ')}</div>`);
      return;
    }
    await busy(form.querySelector('button[type=submit]'), 'Creating account…', async () => {
      try {
        const user = await signUp(body);
        ctx.navigate(user.role === 'organizer' && next === '#/' ? '#/organizer' : next);
      } catch (err) {
        render(msg, errorBox(err, err.code === 'email_taken' ? 'An account with this email already exists. Sign in instead?' : null));
      }
    });
  });
}
