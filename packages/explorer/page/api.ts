import type { PermissionsDocument } from '@permissions/model';

/** One answer of the public API, as the page shows it. */
export interface Reply<T = unknown> {
  status: number;
  ok: boolean;
  body: T;
  etag: string | null;
  /** The `msg` of an error body (or the body itself when it is a string), else a description of the status. */
  message: string;
}

export interface Features {
  /** `GET /az-explain` is served (CONTRACT §5); else explanations come from the document chain. */
  explain: boolean;
  /** `PATCH /az-permissions?…&dryRun=true` is served; never guessed, since an older server would apply the patch. */
  dryRun: boolean;
}

/** A team as the teams service returns it (reference §3.3), the members the explorer reads. */
export interface TeamBody {
  name?: string;
  members?: string[];
  roles?: Record<string, Record<string, string[]>>;
}

export type Activity = (delta: 1 | -1) => void;

const enc = encodeURIComponent;

/** Team URLs are paths of this service: only the `/az-tm-{id}` form is ever requested. */
export const TEAM_URL = /^\/az-tm-[A-Za-z0-9._~-]+$/;

/** The public API, called with the signed-in user's token: the page has no other way in. */
export function createApi(token: string, activity: Activity = () => undefined) {
  async function call<T>(
    method: string,
    path: string,
    options: { body?: unknown; type?: string; ifMatch?: string } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
    if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json';
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    activity(1);
    try {
      const res = await fetch(path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return {
        status: res.status,
        ok: res.ok,
        body: body as T,
        etag: res.headers.get('etag'),
        message: messageOf(res.status, body),
      };
    } catch (err) {
      return { status: 0, ok: false, body: null as T, etag: null, message: `network error: ${String(err)}` };
    } finally {
      activity(-1);
    }
  }

  return {
    document: (subject: string) => call<PermissionsDocument>('GET', `/az-permissions?subject=${enc(subject)}`),
    patchDocument: (subject: string, patch: unknown, etag: string, dryRun = false) =>
      call<PermissionsDocument & { document?: PermissionsDocument; gains?: unknown; losses?: unknown }>(
        'PATCH',
        `/az-permissions?subject=${enc(subject)}${dryRun ? '&dryRun=true' : ''}`,
        { body: patch, type: 'application/merge-patch+json', ifMatch: etag },
      ),
    heirs: (subject: string) => call<{ contents: string[] }>('GET', `/az-permissions-heirs?subject=${enc(subject)}`),
    sharedWith: (user: string) => call<string[]>('GET', `/az-resources-shared-with?user=${enc(user)}`),
    isAllowed: (resource: string, action: string, user: string, property: string) =>
      call<boolean | null>('GET', `/az-is-allowed?${question({ resource, action, user, property })}`),
    allowedActions: (resource: string, user: string, property: string) =>
      call<string[]>('GET', `/az-allowed-actions?${question({ resource, user, property })}`),
    explain: (resource: string, action: string, user: string, property: string) =>
      call<{ allowed: boolean | null; because: unknown[] }>(
        'GET',
        `/az-explain?${question({ resource, action, user, property })}`,
      ),
    teamsOf: (user: string) => call<{ contents: string[] }>('GET', `/az-teams?user=${enc(user)}`),
    team: (url: string): Promise<Reply<TeamBody>> =>
      TEAM_URL.test(url)
        ? call<TeamBody>('GET', url)
        : Promise.resolve(refused<TeamBody>(`not a team URL: ${url} (teams are /az-tm-{id})`)),
    teamReach: (team: string) =>
      call<{ contents: string[] }>('GET', `/az-resources-accessible-by-team-members?team=${enc(team)}`),
  };
}

export type Api = ReturnType<typeof createApi>;

/**
 * What the server offers beyond the original routes, from its OpenAPI description (public). Missing or unreadable:
 * nothing more is assumed.
 */
export async function detectFeatures(): Promise<Features> {
  try {
    const res = await fetch('/openapi.json', { headers: { accept: 'application/json' } });
    if (!res.ok) return { explain: false, dryRun: false };
    const spec = (await res.json()) as { paths?: Record<string, Record<string, unknown>> };
    const paths = spec.paths ?? {};
    const patch = paths['/az-permissions']?.patch;
    return { explain: '/az-explain' in paths, dryRun: patch !== undefined && JSON.stringify(patch).includes('dryRun') };
  } catch {
    return { explain: false, dryRun: false };
  }
}

/** The part of a team URL the teams service returns as `//host/az-tm-…` (reference §8), as a path. */
export function teamPath(url: string): string {
  const at = url.indexOf('/az-tm-');
  return at < 0 ? url : url.slice(at);
}

function question(params: Record<string, string>): string {
  return Object.entries(params)
    .filter(([name, value]) => value !== '' && !(name === 'property' && value === '_self'))
    .map(([name, value]) => `${name}=${enc(value)}`)
    .join('&');
}

function refused<T>(message: string): Reply<T> {
  return { status: 400, ok: false, body: null as T, etag: null, message };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'not signed in, or the token was refused',
  403: 'forbidden',
  404: 'not found (or not visible to you)',
  409: 'conflict',
  412: 'precondition failed: the document changed since it was read',
  503: 'service unavailable, retry later',
};

function messageOf(status: number, body: unknown): string {
  if (status >= 200 && status < 300) return 'ok';
  if (typeof body === 'object' && body !== null && typeof (body as { msg?: unknown }).msg === 'string') {
    return (body as { msg: string }).msg;
  }
  if (typeof body === 'string' && body !== '') return body.slice(0, 500);
  return `${status} ${STATUS_TEXT[status] ?? 'error'}`;
}
