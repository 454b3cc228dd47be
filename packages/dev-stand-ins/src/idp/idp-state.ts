import type { JWTPayload } from 'jose';
import type { DevClient, DevUser } from './fixtures';
import type { KeyRing, SignOptions } from './signing-keys';

/** How `mint` builds a token: signing choices plus its validity window, in seconds relative to now. */
export interface MintOptions extends SignOptions {
  /** Lifetime from now; negative gives a token that has already expired. Default: the provider's token lifetime. */
  expiresIn?: number;
  /** `nbf` = now + notBefore (positive: not valid yet). Absent: no `nbf`. */
  notBefore?: number;
}

/** What the routes of the development identity provider share. */
export interface IdpState {
  issuer: string;
  users: readonly DevUser[];
  clients: readonly DevClient[];
  keys: KeyRing;
  tokenLifetimeSeconds: number;
  mint(claims: JWTPayload, options?: MintOptions): Promise<string>;
}
