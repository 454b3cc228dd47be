/** One HTTP exchange, as the client sees it: everything a transport must carry, nothing more. */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Header lookup, case-insensitive. */
  header(name: string): string | undefined;
  text: string;
}

/** How requests reach the services: Node's built-in fetch by default, or axios (`axiosTransport`). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** Node 20+'s built-in fetch. */
export const fetchTransport: Transport = async (request) => {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
  });
  const text = await res.text();
  return { status: res.status, header: (name) => res.headers.get(name) ?? undefined, text };
};

/** The part of an axios instance the transport uses (so that this package does not depend on axios). */
export interface AxiosLike {
  request(config: {
    method: string;
    url: string;
    headers: Record<string, string>;
    data?: string;
    signal?: AbortSignal;
    responseType: 'text';
    transformResponse: Array<(data: unknown) => unknown>;
    validateStatus: () => boolean;
  }): Promise<{ status: number; headers: unknown; data: unknown }>;
}

/** A transport over an axios instance (`axiosTransport(axios.create({ timeout: 5000 }))`). */
export function axiosTransport(axios: AxiosLike): Transport {
  return async (request) => {
    const res = await axios.request({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body,
      signal: request.signal,
      responseType: 'text',
      // The client parses JSON itself: the bare `true`/`false`/`null` answers must stay what they are.
      transformResponse: [(data) => data],
      validateStatus: () => true,
    });
    const headers = res.headers as { get?: (name: string) => unknown } & Record<string, unknown>;
    const header = (name: string) => {
      const value = typeof headers.get === 'function' ? headers.get(name) : headers[name.toLowerCase()];
      return value === undefined || value === null ? undefined : String(value);
    };
    return { status: res.status, header, text: typeof res.data === 'string' ? res.data : String(res.data ?? '') };
  };
}
