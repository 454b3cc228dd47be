import type { ActionMap, PermissionsDocument } from '@permissions/model';

type Grants = Record<string, string[]>;

const CRUD = ['read', 'create', 'update', 'delete'];

/**
 * Reference §9.2 step 9: what each role's team may do on the org document. Classified by the exact ROLE name (B9:
 * the original tested a substring of "{org} {role}", so an org named `usergrid-…` made every role an ordinary user).
 */
const ROLE_GRANTS: Record<string, Grants> = {
  orgadmin: {
    _self: ['read', 'update', 'put'],
    _permissionsHeirs: ['read', 'add'],
    subscriptions: CRUD,
    history: ['read', 'delete'],
    templates: CRUD,
  },
  opsadmin: {
    _self: ['read'],
    _permissionsHeirs: ['read', 'add'],
    subscriptions: CRUD,
    history: ['read', 'delete'],
    templates: CRUD,
  },
  businessuser: {
    _self: ['read'],
    _permissionsHeirs: ['read', 'add'],
    subscriptions: ['read'],
    history: ['read'],
    templates: ['read'],
  },
  user: {
    _self: ['read'],
    _permissionsHeirs: ['read', 'add'],
    subscriptions: ['read'],
    history: ['read'],
    templates: ['read'],
  },
  readonlyadmin: {
    _self: ['read'],
    _permissionsHeirs: ['read'],
    subscriptions: ['read'],
    history: ['read'],
    templates: ['read'],
  },
};
const DEFAULT_GRANTS: Grants = ROLE_GRANTS.user;

export function grantsOfRole(role: string): Grants {
  return Object.prototype.hasOwnProperty.call(ROLE_GRANTS, role) ? ROLE_GRANTS[role] : DEFAULT_GRANTS;
}

/** The action lists of the org template (reference §9.2 step 7); `events`/`notifications` stay empty as at HEAD. */
function template(client: string): Record<string, ActionMap> {
  return {
    _self: { read: [client], update: [client], put: [client], delete: [client], admin: [client], govern: [client] },
    _permissionsHeirs: { add: [client], read: [client], remove: [client] },
    subscriptions: { read: [], create: [], update: [], delete: [] },
    events: { read: [], create: [], update: [], delete: [] },
    notifications: { read: [], create: [], update: [], delete: [] },
    history: { read: [], delete: [] },
    templates: { read: [], create: [], update: [], delete: [] },
  };
}

/**
 * The org document for the given role teams. On re-migration it is built from the stored one: every team this
 * import owns (`ownTeams`, current and removed) is taken out of every list and the current teams are put back per
 * their role, so grants added by hand to other principals and properties outside the template are kept.
 */
export function orgDocument(input: {
  orgUrl: string;
  client: string;
  teams: ReadonlyArray<{ role: string; teamUrl: string }>;
  ownTeams: ReadonlySet<string>;
  existing?: PermissionsDocument;
}): PermissionsDocument {
  const { _metadata: _dropped, ...kept } = input.existing ?? { _subject: input.orgUrl };
  const document: PermissionsDocument = { ...kept, _subject: input.orgUrl };
  const wanted = template(input.client);
  for (const { role, teamUrl } of input.teams) {
    for (const [property, actions] of Object.entries(grantsOfRole(role))) {
      for (const action of actions) wanted[property][action].push(teamUrl);
    }
  }
  for (const [property, actions] of Object.entries(wanted)) {
    const current = actionMapOf(document[property]);
    const merged: ActionMap = {};
    for (const [action, list] of Object.entries(current)) {
      merged[action] = list.filter((principal) => !input.ownTeams.has(principal));
    }
    for (const [action, principals] of Object.entries(actions)) {
      merged[action] = [...new Set([...(merged[action] ?? []), ...principals])];
    }
    document[property] = merged;
  }
  return document;
}

/** An action map as stored, or empty when the property holds something else (opaque data is replaced). */
function actionMapOf(value: unknown): ActionMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const map: ActionMap = {};
  for (const [action, list] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(list)) map[action] = list.filter((p): p is string => typeof p === 'string');
  }
  return map;
}

/** Every team URL named anywhere in a document's action lists. */
export function teamsNamedIn(document: PermissionsDocument | undefined): string[] {
  if (!document) return [];
  const found = new Set<string>();
  for (const value of Object.values(document)) {
    for (const list of Object.values(actionMapOf(value))) {
      for (const principal of list) if (principal.startsWith('/az-tm-')) found.add(principal);
    }
  }
  return [...found];
}
