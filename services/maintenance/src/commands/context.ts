import type { Authorizer } from '@permissions/authorizer';
import type { Logger, PrincipalNormaliser } from '@permissions/http-kit';
import type { Store } from '@permissions/store';

/** What every maintenance command needs; built once by the service factory. */
export interface CommandContext {
  store: Store;
  authorizer: Authorizer;
  normaliser: PrincipalNormaliser;
  log: Logger;
  /** ISO time of "now"; injected so the model stays free of clocks. */
  now(): string;
}

/** The verified principals of a request: the user of `Authorization`, the client of `X-Client-Authorization`. */
export interface Requester {
  user: string | null;
  client: string | null;
}
