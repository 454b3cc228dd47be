import type { Authorizer, DocumentAuthority } from '@permissions/authorizer';
import type { Logger } from '@permissions/http-kit';
import type { PrincipalNormaliser } from '@permissions/auth';
import type { Store } from '@permissions/store';

export interface TeamsContext {
  store: Store;
  authorizer: Authorizer;
  /** Where documents may be created and which are namespaces (CONTRACT §4.8). */
  authority: DocumentAuthority;
  normaliser: PrincipalNormaliser;
  log: Logger;
  now(): string;
  newTeamUrl(): string;
}

export type { Requester } from '@permissions/model';
