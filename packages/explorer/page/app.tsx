import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createApi, detectFeatures, type Features } from './api';
import { SignIn, type DevIdentity } from './sign-in';
import { ResourceView } from './resource-view';
import { TeamsView } from './teams-view';
import { isExpired, readToken, type Session } from './token';

const TOKEN_KEY = 'permissions-explorer.token';

type View = 'resource' | 'teams';

function resourceFromHash(): string {
  const match = /^#resource=(.*)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : '';
}

function storedSession(): Session | null {
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return null;
    const session = readToken(token);
    return isExpired(session, Date.now()) ? null : session;
  } catch {
    return null;
  }
}

export function App() {
  const [session, setSession] = useState<Session | null>(storedSession);
  const [devIdentity, setDevIdentity] = useState<DevIdentity | null>(null);
  const [features, setFeatures] = useState<Features>({ explain: false, dryRun: false });
  const [busy, setBusy] = useState(0);
  const [view, setView] = useState<View>('resource');
  const [resource, setResource] = useState(resourceFromHash);

  useEffect(() => {
    fetch('/explorer/config.json')
      .then((res) => (res.ok ? (res.json() as Promise<{ devIdentity: DevIdentity | null }>) : { devIdentity: null }))
      .then((config) => setDevIdentity(config.devIdentity))
      .catch(() => setDevIdentity(null));
    void detectFeatures().then(setFeatures);
  }, []);

  const activity = useCallback((delta: 1 | -1) => setBusy((n) => n + delta), []);
  const api = useMemo(() => (session ? createApi(session.token, activity) : null), [session, activity]);

  const signIn = (next: Session) => {
    sessionStorage.setItem(TOKEN_KEY, next.token);
    setSession(next);
  };
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setSession(null);
  };
  const openResource = (subject: string) => {
    setResource(subject);
    setView('resource');
    history.replaceState(null, '', `#resource=${encodeURIComponent(subject)}`);
  };

  return (
    <>
      <header class="top">
        <h1>Permissions explorer</h1>
        <p class="status" role="status" aria-live="polite">
          {busy > 0 ? (
            <span class="working">
              Working… ({busy} request{busy === 1 ? '' : 's'})
            </span>
          ) : null}
        </p>
        {session ? (
          <div class="who">
            <span>
              Signed in as <strong>{session.name ?? session.principal}</strong>
              {session.name ? <code class="principal">{session.principal}</code> : null}
            </span>
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <main>
        {!session || !api ? (
          <SignIn devIdentity={devIdentity} onSignedIn={signIn} />
        ) : (
          <>
            <nav class="views" aria-label="Views">
              <button type="button" aria-pressed={view === 'resource'} onClick={() => setView('resource')}>
                Resources
              </button>
              <button type="button" aria-pressed={view === 'teams'} onClick={() => setView('teams')}>
                Teams
              </button>
            </nav>
            {view === 'resource' ? (
              <ResourceView api={api} session={session} features={features} resource={resource} onOpen={openResource} />
            ) : (
              <TeamsView api={api} session={session} onOpenResource={openResource} />
            )}
          </>
        )}
      </main>
    </>
  );
}
