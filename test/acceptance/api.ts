import { DEFAULT_CLIENT, type DevIdp } from '@permissions/dev-stand-ins/idp';

type User = 'alice' | 'bob' | 'carol' | 'dave';

export interface CallOptions {
  /** The user whose token goes in Authorization (null: none). */
  as: User | null;
  /** Also send the services' client token in X-Client-Authorization. */
  client?: boolean;
  body?: unknown;
  type?: string;
  ifMatch?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface Api {
  call(method: string, path: string, options: CallOptions): Promise<ApiResponse>;
}

/** Real HTTP calls with fresh dev-IdP tokens, as the original's Python scenario made them. */
export function createApi(baseUrl: string, idp: DevIdp): Api {
  return {
    async call(method, path, options) {
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      if (options.as) headers.authorization = `Bearer ${await idp.tokenFor(options.as)}`;
      if (options.client)
        headers['x-client-authorization'] = `Bearer ${await idp.clientToken(DEFAULT_CLIENT.clientId)}`;
      if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
      let body: string | undefined;
      if (options.body !== undefined) {
        headers['content-type'] = options.type ?? 'application/json';
        body = JSON.stringify(options.body);
      }
      const res = await fetch(baseUrl + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
  };
}
