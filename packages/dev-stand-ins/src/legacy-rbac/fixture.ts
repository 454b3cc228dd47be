/** One permission of a legacy role: a path relative to the org and the legacy verbs (get, put, delete). */
export interface LegacyPermission {
  path: string;
  permissions: string[];
}

/** A legacy role: its users (e-mails) and its permissions, as the legacy management API lists them. */
export interface LegacyRoleFixture {
  users: string[];
  /** Any JSON is allowed beside well-formed entries, so a test can serve malformed or out-of-order input on purpose. */
  permissions: Array<LegacyPermission | Record<string, unknown> | string | number | null>;
}

/** An org: role name → role. */
export type LegacyOrgFixture = Record<string, LegacyRoleFixture>;

/** The whole legacy system: org name → org. */
export type LegacyFixture = Record<string, LegacyOrgFixture>;

const everything: LegacyPermission[] = [{ path: '/', permissions: ['get', 'put', 'delete'] }];
const readAll: LegacyPermission[] = [{ path: '/', permissions: ['get'] }];
const developer: LegacyPermission[] = [
  { path: '/apis', permissions: ['get', 'put', 'delete'] },
  { path: '/apiproducts', permissions: ['get', 'put'] },
  { path: '/environments/*', permissions: ['get'] },
];

/**
 * Two sample orgs whose users are the development identity provider's users (../idp/fixtures.ts), so that
 * `pnpm start` can show an on-demand migration by hand. `notyet@example.com` is unknown to the IdP on purpose.
 */
export function defaultLegacyFixture(): LegacyFixture {
  return {
    acme: {
      orgadmin: { users: ['alice@example.com'], permissions: everything },
      opsadmin: { users: ['dave@example.com'], permissions: [{ path: '/environments', permissions: ['get', 'put'] }] },
      businessuser: { users: ['bob@example.com'], permissions: developer },
      user: { users: ['carol@example.com', 'notyet@example.com'], permissions: developer },
      readonlyadmin: { users: ['dave@example.com'], permissions: readAll },
    },
    globex: {
      orgadmin: { users: ['bob@example.com'], permissions: everything },
      user: { users: ['alice@example.com', 'carol@example.com'], permissions: developer },
    },
  };
}
