/** A user the development identity provider knows (password grant, ids API). */
export interface DevUser {
  username: string;
  password: string;
  /** The token's `sub`: a UUID, as real issuers use (reference §2.2). */
  sub: string;
  email: string;
}

/** An OAuth client the development identity provider knows (client-credentials grant). */
export interface DevClient {
  clientId: string;
  secret: string;
}

/**
 * The four users of the original acceptance script (reference §13.1); password = username. The ids are fixed so
 * that principals printed by `pnpm start` stay the same from one run to the next.
 */
export const DEFAULT_USERS: readonly DevUser[] = Object.freeze([
  { username: 'alice', password: 'alice', sub: '5b2c1c9e-6f6a-4d3e-9a51-0a1f3e6d7a01', email: 'alice@example.com' },
  { username: 'bob', password: 'bob', sub: 'c3d0b4a2-8e8f-4b7a-8f3c-1b2e4d6f8a02', email: 'bob@example.com' },
  { username: 'carol', password: 'carol', sub: '9a7e6d5c-4b3a-4291-8e0f-2c3d4e5f6a03', email: 'carol@example.com' },
  { username: 'dave', password: 'dave', sub: 'e1f2a3b4-c5d6-4e7f-a809-3d4e5f6a7b04', email: 'dave@example.com' },
]);

/** The services' own client (PERMISSIONS_CLIENT_ID / PERMISSIONS_CLIENT_SECRET). */
export const DEFAULT_CLIENTS: readonly DevClient[] = Object.freeze([
  { clientId: 'permissions-client', secret: 'permissions-secret' },
]);

export const DEFAULT_IDP_PORT = 3299;

/** The services' own client alone, for callers that need its id and secret. */
export const DEFAULT_CLIENT: DevClient = DEFAULT_CLIENTS[0];
