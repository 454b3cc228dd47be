import type { Authorizer } from '@permissions/authorizer';
import type { Logger, PrincipalNormaliser } from '@permissions/http-kit';
import type { Store } from '@permissions/store';

export interface TeamsContext {
  store: Store;
  authorizer: Authorizer;
  normaliser: PrincipalNormaliser;
  log: Logger;
  now(): string;
  newTeamUrl(): string;
}

export interface Requester {
  user: string | null;
  client: string | null;
}
