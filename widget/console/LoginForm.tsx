// Sign-in: Email, Password, "Sign in"; the server's refusal is shown in an alert.
import { useState } from 'preact/hooks';
import { signInNotice } from './console-state.ts';
import { signIn } from './agent-session.ts';

export function LoginForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const message = error ?? signInNotice.value;

  return (
    <main class="login">
      <form
        class="login__card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          const refusal = await signIn(email, password);
          // On success this form is gone already; only a refusal needs the state back.
          if (refusal) {
            setError(refusal);
            setBusy(false);
          }
        }}
      >
        <h1>Tandem console</h1>
        <p class="login__lead">Sign in to answer customers.</p>
        <label for="login-email">Email</label>
        <input
          id="login-email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {message && (
          <p class="alert" role="alert">
            {message}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
