import type { PermissionsDocument } from './types';

/** A legacy org named by a resource URL. */
export interface LegacyOrgRef {
  /** The org name, as the legacy API spells it. */
  org: string;
  /** The org document's subject: `{LEGACY_RBAC_URL}/v1/o/{org}` (always the `/o/` form, reference §9.2 step 2). */
  orgUrl: string;
  /** What follows the org in the resource: `''` or `/…`. */
  rest: string;
}

const RESOURCE = /^(https?):\/\/([^/?#]+)([^?#]*)/i;
const ORG_PREFIXES = ['/v1/o/', '/v1/organizations/'];
/** Legacy org names are DNS-like labels; anything else cannot be a legacy org and is not looked up. */
const ORG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,253}[A-Za-z0-9])?$/;

/**
 * The two URL forms of the org's resources, `{LEGACY_RBAC_URL}/v1/o/{org}` (its document's subject) and
 * `{LEGACY_RBAC_URL}/v1/organizations/{org}`: before the org is migrated, documents at or under either are squats.
 */
export function legacyOrgRoots(ref: LegacyOrgRef): [orgUrl: string, organizationsUrl: string] {
  return [ref.orgUrl, ref.orgUrl.replace(/\/v1\/o\/([^/]+)$/, '/v1/organizations/$1')];
}

/**
 * Whether `doc`, found at an org's subject, is the org document the migration wrote: one created by the services'
 * own client. Nobody else may create a document there (see placement.ts), but a document created before that rule
 * (a squat) must neither make the migration answer 409 nor be taken for the org.
 */
export function isMigratedOrgDocument(
  doc: PermissionsDocument | null | undefined,
  servicesClients: readonly string[],
): boolean {
  const creator = doc?._metadata?.creator;
  return typeof creator === 'string' && servicesClients.includes(creator);
}

/**
 * The legacy org a resource belongs to (CONTRACT §2): its URL starts with `{LEGACY_RBAC_URL}/v1/o/{org}` or
 * `{LEGACY_RBAC_URL}/v1/organizations/{org}`, with scheme, host and port equal, followed by the end or a `/`.
 * `undefined` for anything else, and always when no legacy system is configured. The migration service and the
 * runtime's migration trigger both decide with this one function.
 */
export function legacyOrgOf(resource: string, legacyRbacUrl: string | undefined): LegacyOrgRef | undefined {
  if (!legacyRbacUrl || !resource.includes('/v1/')) return undefined;
  const base = parseOrigin(legacyRbacUrl);
  const match = RESOURCE.exec(resource);
  if (!base || !match) return undefined;
  const origin = parseOrigin(`${match[1]}://${match[2]}`);
  if (!origin || origin.protocol !== base.protocol || origin.host !== base.host) return undefined;
  const path = match[3];
  if (!path.startsWith(base.path)) return undefined;
  const afterBase = path.slice(base.path.length);
  const prefix = ORG_PREFIXES.find((p) => afterBase.startsWith(p));
  if (prefix === undefined) return undefined;
  const rest = afterBase.slice(prefix.length);
  const slash = rest.indexOf('/');
  const org = slash < 0 ? rest : rest.slice(0, slash);
  if (!ORG_NAME.test(org)) return undefined;
  return {
    org,
    orgUrl: `${legacyRbacUrl.replace(/\/+$/, '')}/v1/o/${org}`,
    rest: slash < 0 ? '' : rest.slice(slash),
  };
}

/** Scheme, lower-case host with its port (default ports dropped) and path prefix; no user info allowed. */
function parseOrigin(value: string): { protocol: string; host: string; path: string } | undefined {
  try {
    const url = new URL(value);
    if (url.username !== '' || url.password !== '') return undefined;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return { protocol: url.protocol, host: url.host.toLowerCase(), path: url.pathname.replace(/\/+$/, '') };
  } catch {
    return undefined;
  }
}
