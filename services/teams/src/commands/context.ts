import type { Authorizer } from '@permissions/authorizer';
import type { Logger } from '@permissions/http-kit';
import type { PrincipalNormaliser } from '@permissions/auth';
import type { Store } from '@permissions/store';

export interface TeamsContext {
  store: Store;
  authorizer: Authorizer;
  normaliser: PrincipalNormaliser;
  log: Logger;
  now(): string;
  newTeamUrl(): string;
}

export type { Requester } from '@permissions/model';
