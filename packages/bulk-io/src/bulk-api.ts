/** What the import and export need of the services: the bulk route and a few reads, over HTTP. */
export interface BulkApi {
  /** `POST /az-permissions-bulk`: the status and body as answered (200, or a 4xx with `{msg, errors}`). */
  bulk(documents: unknown[]): Promise<{ status: number; body: BulkAnswer }>;
  /** `GET /az-permissions?{subject}`: the document, or undefined when the caller may not read it (403/404). */
  document(subject: string): Promise<Record<string, unknown> | undefined>;
  /** `GET /az-permissions-heirs?{subject}`: the heirs the caller may know of ([] when he may know of none). */
  heirs(subject: string): Promise<string[]>;
  /** `GET /az-namespaces`, every page: [] unless the caller governs `/`. */
  namespaces(): Promise<string[]>;
  /** `GET /az-resources-shared-with?{principal}`. */
  sharedWith(principal: string): Promise<string[]>;
}

export interface BulkItemError {
  index: number;
  subject: string;
  msg: string;
  missingParents?: string[];
  dependsOn?: number;
}

export interface BulkAnswer {
  created?: number;
  updated?: number;
  unchanged?: number;
  sequence?: number | null;
  msg?: string;
  errors?: BulkItemError[];
}

/**
 * The API over `fetch`, with a bearer token. A 503 (a database briefly away) or a network failure is tried again
 * with backoff, a few times: every call here is idempotent, the bulk write included.
 */
export function createBulkApi(options: { url: string; token: string; attempts?: number }): BulkApi {
  const base = options.url.replace(/\/+$/, '');
  const attempts = options.attempts ?? 5;
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status === 503 && attempt < attempts) throw new Error('503');
        return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
      } catch (error) {
        if (attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      }
    }
  }
  const query = (subject: string) => `?subject=${encodeURIComponent(subject)}`;
  const failed = (what: string, res: { status: number; body: unknown }) =>
    new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);

  return {
    async bulk(documents) {
      const res = await call('POST', '/az-permissions-bulk', { documents });
      return { status: res.status, body: (res.body ?? {}) as BulkAnswer };
    },
    async document(subject) {
      const res = await call('GET', `/az-permissions${query(subject)}`);
      if (res.status === 403 || res.status === 404) return undefined;
      if (res.status !== 200) throw failed(`GET /az-permissions?${subject}`, res);
      return res.body as Record<string, unknown>;
    },
    async heirs(subject) {
      const res = await call('GET', `/az-permissions-heirs${query(subject)}`);
      if (res.status === 403 || res.status === 404) return [];
      if (res.status !== 200) throw failed(`GET /az-permissions-heirs?${subject}`, res);
      return (res.body as { contents: string[] }).contents;
    },
    async namespaces() {
      const subjects: string[] = [];
      let cursor = '';
      for (;;) {
        const res = await call(
          'GET',
          `/az-namespaces?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        if (res.status === 403) return [];
        if (res.status !== 200) throw failed('GET /az-namespaces', res);
        const page = res.body as { namespaces: Array<{ subject: string }>; next: string | null };
        subjects.push(...page.namespaces.map((namespace) => namespace.subject));
        if (page.next === null) return subjects;
        cursor = page.next;
      }
    },
    async sharedWith(principal) {
      const res = await call('GET', `/az-resources-shared-with?user=${encodeURIComponent(principal)}`);
      if (res.status !== 200) throw failed('GET /az-resources-shared-with', res);
      return res.body as string[];
    },
  };
}
