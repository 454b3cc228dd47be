import { legacyOrgOf } from './legacy-resource';

/** A permission entry the import could not turn into a team role, reported to the caller (issue item 3). */
export interface UnplacedPermission {
  role: string;
  /** The entry's path as the legacy system gave it (or the whole entry when it has no usable path). */
  path: unknown;
  reason: string;
}

/** Legacy verbs → actions (reference §9.2 step 8): get → read, put → create + update, others unchanged. */
export function actionsOfVerbs(verbs: readonly string[]): string[] {
  const actions = verbs.flatMap((verb) => {
    const v = verb.trim().toLowerCase();
    if (v === 'get') return ['read'];
    if (v === 'put') return ['create', 'update'];
    return v === '' ? [] : [v];
  });
  return [...new Set(actions)];
}

/** Paths under the org, or naming an org, in the forms the legacy API uses. */
const ORG_PATH = /^\/(?:v1\/)?(?:o|organizations)\/([^/]+)(\/.*)?$/;
const SAFE_PATH = /^\/(?:[A-Za-z0-9._~*$@:+=,;!'()%-]+(?:\/[A-Za-z0-9._~*$@:+=,;!'()%-]+)*)?$/;

/**
 * One role's `resourcePermission` entries as team role patterns under the org (`{path: actions}`, paths relative to
 * the org document). Entries that name another org, are not paths, or are malformed are reported, never fatal: the
 * import of the rest goes on (reference issue item 3: out-of-order input must neither fail nor hang).
 */
export function placePermissions(
  ref: { org: string; orgUrl: string },
  legacyRbacUrl: string,
  role: string,
  entries: readonly unknown[],
): { patterns: Record<string, string[]>; unplaced: UnplacedPermission[] } {
  const patterns = new Map<string, Set<string>>();
  const unplaced: UnplacedPermission[] = [];
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      unplaced.push({ role, path: entry, reason: 'not a permission entry ({path, permissions})' });
      continue;
    }
    const { path, permissions } = entry as { path?: unknown; permissions?: unknown };
    if (typeof path !== 'string') {
      unplaced.push({ role, path: entry, reason: 'the entry has no path' });
      continue;
    }
    if (!Array.isArray(permissions) || !permissions.every((p): p is string => typeof p === 'string')) {
      unplaced.push({ role, path, reason: 'permissions must be a list of verbs' });
      continue;
    }
    const placed = relativePath(ref, legacyRbacUrl, path);
    if ('reason' in placed) {
      unplaced.push({ role, path, reason: placed.reason });
      continue;
    }
    const actions = patterns.get(placed.path) ?? new Set<string>();
    for (const action of actionsOfVerbs(permissions)) actions.add(action);
    patterns.set(placed.path, actions);
  }
  const sorted = [...patterns.keys()].sort();
  return { patterns: Object.fromEntries(sorted.map((p) => [p, [...(patterns.get(p) ?? [])]])), unplaced };
}

/** The path relative to the org, or why it cannot be one. */
function relativePath(
  ref: { org: string; orgUrl: string },
  legacyRbacUrl: string,
  raw: string,
): { path: string } | { reason: string } {
  let path = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    const owner = legacyOrgOf(path, legacyRbacUrl);
    if (!owner) return { reason: 'not a resource of the legacy RBAC system' };
    if (owner.org !== ref.org) return { reason: `belongs to org ${owner.org}` };
    path = owner.rest || '/';
  } else {
    const named = ORG_PATH.exec(path);
    if (named) {
      if (named[1] !== ref.org) return { reason: `belongs to org ${named[1]}` };
      path = named[2] ?? '/';
    }
  }
  if (path.length > 1) path = path.replace(/\/+$/, '');
  if (!SAFE_PATH.test(path)) return { reason: 'not a path of the org (must be /segment/… without empty segments)' };
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    return { reason: 'relative segments (. or ..) are not allowed' };
  }
  return { path };
}
