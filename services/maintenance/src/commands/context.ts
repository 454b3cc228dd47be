import type { Authorizer, DocumentAuthority } from '@permissions/authorizer';
import type { Logger } from '@permissions/http-kit';
import type { PrincipalNormaliser } from '@permissions/auth';
import type { Store } from '@permissions/store';

/** What every maintenance command needs; built once by the service factory. */
export interface CommandContext {
  store: Store;
  authorizer: Authorizer;
  /** Where documents may be created and which are namespaces (CONTRACT §4.8). */
  authority: DocumentAuthority;
  normaliser: PrincipalNormaliser;
  log: Logger;
  /** ISO time of "now"; injected so the model stays free of clocks. */
  now(): string;
}

export type { Requester } from '@permissions/model';
