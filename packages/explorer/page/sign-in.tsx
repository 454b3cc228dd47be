import { useState } from 'preact/hooks';
import { createApi } from './api';
import { readToken, TokenError, type Session } from './token';

export interface DevIdentity {
  issuer: string;
  users: string[];
}

/**
 * Sign in by pasting a bearer token, or (only when `pnpm start` runs the development identity provider) with one
 * click as a development user, through that provider's password grant. The token is checked with the API itself.
 */
export function SignIn(props: { devIdentity: DevIdentity | null; onSignedIn: (session: Session) => void }) {
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);

  async function accept(token: string, how: string) {
    setError(null);
    setPending(how);
    try {
      const session = readToken(token);
      // Any authenticated route tells whether the services accept the token: the user's own teams need no right.
      const reply = await createApi(session.token).teamsOf(session.principal);
      if (reply.status === 401) throw new TokenError(`the service refused this token: ${reply.message}`);
      if (reply.status === 0) throw new TokenError(reply.message);
      props.onSignedIn(session);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setPending(null);
    }
  }

  async function devSignIn(user: string) {
    const dev = props.devIdentity;
    if (!dev) return;
    setError(null);
    setPending(user);
    try {
      const res = await fetch(`${dev.issuer.replace(/\/+$/, '')}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: user, password: user }).toString(),
      });
      const body = (await res.json()) as { access_token?: string; error?: string };
      if (!res.ok || !body.access_token) throw new Error(`the identity provider said: ${body.error ?? res.status}`);
      await accept(body.access_token, user);
    } catch (err) {
      setError(`development sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
      setPending(null);
    }
  }

  return (
    <section class="panel sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p>
        Everything the explorer shows and changes goes through the permissions API with your token: you see what you may
        see, nothing more.
      </p>
      {props.devIdentity ? (
        <div class="dev-sign-in">
          <h3>Development users</h3>
          <p>
            The development identity provider runs at <code>{props.devIdentity.issuer}</code>.
          </p>
          <div class="button-row">
            {props.devIdentity.users.map((user) => (
              <button type="button" key={user} disabled={pending !== null} onClick={() => void devSignIn(user)}>
                {pending === user ? `Signing in as ${user}…` : `Sign in as ${user}`}
              </button>
            ))}
          </div>
        </div>
      ) : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void accept(pasted, 'token');
        }}
      >
        <label for="token">Bearer token (a JWT from a trusted issuer)</label>
        <textarea
          id="token"
          rows={4}
          spellcheck={false}
          autocomplete="off"
          value={pasted}
          onInput={(event) => setPasted((event.target as HTMLTextAreaElement).value)}
        />
        <button type="submit" disabled={pending !== null || pasted.trim() === ''}>
          {pending === 'token' ? 'Checking the token…' : 'Sign in with this token'}
        </button>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
