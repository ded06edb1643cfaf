// The invitee's side of an invite: the link (/console/#invite=…) opens this form; they choose a password, and
// are signed in. The token is in the address's fragment, so it never reaches a server log; it is removed from
// the address bar once used.
import { useState } from 'preact/hooks';
import type { ErrorBody, LoginResponse } from '../../shared/protocol.ts';
import { agent, clearSession, TOKEN_KEY, token } from './console-state.ts';
import { connect } from './agent-session.ts';
import { PASSWORD_MIN } from './admin-state.ts';

/** The invite token in the address (#invite=…), or null. */
export function inviteInAddress(): string | null {
  const match = /^#invite=([\w-]{10,200})$/.exec(location.hash);
  return match ? match[1]! : null;
}

async function acceptInvite(invite: string, password: string): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch('/api/auth/invite', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: invite, password }),
    });
  } catch {
    return 'Could not reach the server. Check your connection and try again.';
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) return (body as { error?: ErrorBody } | null)?.error?.message ?? `Could not set the password (HTTP ${res.status}).`;
  const login = body as LoginResponse;
  try {
    localStorage.setItem(TOKEN_KEY, login.token);
  } catch {
    /* this tab only */
  }
  history.replaceState(null, '', location.pathname);
  // Someone else may have been signed in in this browser: their desk goes.
  clearSession();
  agent.value = login.agent;
  token.value = login.token;
  connect();
  return null;
}

export function InviteForm({ invite, onDone }: { invite: string; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <main class="login">
      <form
        class="login__card"
        onSubmit={async (e) => {
          e.preventDefault();
          if (password.length < PASSWORD_MIN) return setError(`Choose a password of at least ${PASSWORD_MIN} characters.`);
          if (password !== again) return setError('The two passwords differ. Type the same password twice.');
          setBusy(true);
          setError(null);
          const refusal = await acceptInvite(invite, password);
          if (refusal) {
            setError(refusal);
            setBusy(false);
          } else onDone();
        }}
      >
        <h1>Tandem console</h1>
        <p class="login__lead">You were invited to answer customers. Choose a password to sign in with from now on.</p>
        <label for="invite-password">New password</label>
        <input
          id="invite-password"
          type="password"
          autocomplete="new-password"
          required
          aria-describedby="invite-password-hint"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <p class="field__hint" id="invite-password-hint">
          At least {PASSWORD_MIN} characters. A few unrelated words are easy to remember and hard to guess.
        </p>
        <label for="invite-again">Repeat the password</label>
        <input
          id="invite-again"
          type="password"
          autocomplete="new-password"
          required
          value={again}
          onInput={(e) => setAgain(e.currentTarget.value)}
        />
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Setting the password…' : 'Set password and sign in'}
        </button>
      </form>
    </main>
  );
}
