// The signed-in user's account: name and email, password, a copy of their data, deletion.
// Changing the email or the password asks for the current password; the old address is told.

import { html, render } from '../lib/html.js';
import { currentUser, updateAccount, deleteAccount } from '../lib/session.js';
import { errorBox, busy, field, notice, confirmClick } from '../components/ui.js';

export const requires = 'user';

const MIN_PASSWORD = 10; // API.md: shorter passwords are refused with 422

export default async function accountPage(ctx) {
  const { root, query } = ctx;
  ctx.setTitle('Your account');
  const user = currentUser();
  render(root, html`
    <h1>Your account</h1>
    ${query.get('reset') ? notice('Your new password is set, and every other sign-in has ended.', 'success', 'reset-done') : ''}
    <div class="account-grid">
      <form class="form card" id="profile" data-test="profile-form" novalidate>
        <h2>Name and email</h2>
        <div class="msg" aria-live="polite"></div>
        <label>Name <input name="name" autocomplete="name" maxlength="200" required value="${user.name}" data-test="name"></label>
        <label>Email <input type="email" name="email" autocomplete="email" required value="${user.email}" data-test="email"></label>
        <label>Current password <span class="hint">(only to change the email)</span>
          <input type="password" name="currentPassword" autocomplete="current-password" data-test="current-password"></label>
        <button type="submit" class="btn btn-primary" data-test="profile-submit">Save</button>
      </form>
      <form class="form card" id="password" data-test="password-form" novalidate>
        <h2>Password</h2>
        <div class="msg" aria-live="polite"></div>
        <label>Current password <input type="password" name="currentPassword" autocomplete="current-password" required data-test="current-password"></label>
        <label>New password <input type="password" name="password" autocomplete="new-password" minlength="${MIN_PASSWORD}" required
               aria-describedby="new-pw-hint" data-test="new-password"></label>
        <p class="hint" id="new-pw-hint">At least ${MIN_PASSWORD} characters. Your other sign-ins end.</p>
        <button type="submit" class="btn btn-primary" data-test="password-submit">Change password</button>
      </form>
      <section class="card">
        <h2>Your data</h2>
        <p>A copy of everything we keep about you: your account, sign-ins, bookings, holds, waiting-list places and payments.</p>
        <a class="btn" href="/api/me/export" download="my-booking-data.json" data-test="export">Download my data (JSON)</a>
      </section>
      <form class="form card" id="delete" data-test="delete-form" novalidate>
        <h2>Delete account</h2>
        <div class="msg" aria-live="polite"></div>
        <p>Your name and email address are erased and you are signed out everywhere. Your bookings stay valid, without your name,
           so organizers' accounts still add up; held seats are released.</p>
        <label>Password <input type="password" name="password" autocomplete="current-password" required data-test="delete-password"></label>
        <button type="submit" class="btn btn-danger" data-test="delete-submit">Delete my account</button>
      </form>
    </div>`);

  const [profile, password, remove] = ['#profile', '#password', '#delete'].map((id) => root.querySelector(id));
  const say = (form, content) => render(form.querySelector('.msg'), content);
  const problem = (form, text) => say(form, html`<div class="alert alert-error" role="alert" data-test="error">${text}</div>`);

  profile.addEventListener('submit', async (e) => {
    e.preventDefault();
    const changes = {};
    const name = field(profile, 'name');
    const email = field(profile, 'email');
    if (!name) return problem(profile, 'Enter your name.');
    if (name !== currentUser().name) changes.name = name;
    if (email !== currentUser().email) {
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) return problem(profile, 'Enter a valid email address.');
      if (!profile.elements.currentPassword.value) return problem(profile, 'Enter your current password to change the email.');
      changes.email = email;
      changes.currentPassword = profile.elements.currentPassword.value;
    }
    if (!Object.keys(changes).length) return say(profile, notice('Nothing to change.'));
    await busy(profile.querySelector('button[type=submit]'), 'Saving…', async () => {
      try {
        await updateAccount(changes);
        profile.elements.currentPassword.value = '';
        say(profile, notice(changes.email ? `Saved. We told ${user.email} about the new address.` : 'Saved.', 'success', 'saved'));
      } catch (err) {
        say(profile, errorBox(err, err.code === 'wrong_password' ? 'The current password is wrong.' : null));
      }
    });
  });

  password.addEventListener('submit', async (e) => {
    e.preventDefault();
    const currentPassword = password.elements.currentPassword.value;
    const next = password.elements.password.value;
    if (!currentPassword) return problem(password, 'Enter your current password.');
    if (next.length < MIN_PASSWORD) return problem(password, `The new password needs at least ${MIN_PASSWORD} characters.`);
    await busy(password.querySelector('button[type=submit]'), 'Saving…', async () => {
      try {
        await updateAccount({ password: next, currentPassword });
        password.reset();
        say(password, notice('Your password is changed; your other sign-ins have ended.', 'success', 'saved'));
      } catch (err) {
        say(password, errorBox(err, err.code === 'wrong_password' ? 'The current password is wrong.' : null));
      }
    });
  });

  remove.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = remove.querySelector('button[type=submit]');
    const secret = remove.elements.password.value;
    if (!secret) return problem(remove, 'Enter your password.');
    if (!confirmClick(button, 'Click again to delete for good')) return;
    await busy(button, 'Deleting…', async () => {
      try {
        await deleteAccount(secret);
        render(root, html`<h1>Your account is deleted</h1>
          ${notice('Your name and email address are erased and every sign-in has ended.', 'success', 'deleted')}
          <p><a href="#/">See all events</a></p>`);
      } catch (err) {
        say(remove, errorBox(err, err.code === 'owns_venues' ? 'You still own venues: ask an admin to give them another owner first.'
          : err.code === 'wrong_password' ? 'The password is wrong.' : null));
      }
    });
  });
}
