import {
  bindRoles,
  incarnationOf,
  isMigratedOrgDocument,
  isPlainObject,
  legacyOrgRoots,
  parentsOf,
  validateDocument,
  validateTeam,
  withMetadata,
  type PermissionsDocument,
  type Team,
  ConflictError,
  SERVER_STAMPS,
} from '@permissions/model';
import type { StoreTx, StoredTeam } from '@permissions/store';
import { orgDocument, teamsNamedIn } from './org-document';

/** One legacy role as the import will write it. */
export interface PlannedRole {
  role: string;
  members: string[];
  /** path pattern → actions, relative to the org document. */
  patterns: Record<string, string[]>;
}

export interface OrgWriteInput {
  org: string;
  orgUrl: string;
  /** The services' client principal: owner of the org document (reference §9.2 step 7). */
  client: string;
  /** The services' client at every trusted issuer: an org document one of them created is the migration's. */
  servicesClients: readonly string[];
  roles: PlannedRole[];
  /** role → team URL, as the last completed import recorded it. */
  recordedTeams: Record<string, string>;
  /** A first migration: an existing org document is a 409 (reference §9.2 step 3). */
  firstOnly: boolean;
  now: string;
  newTeamUrl(): string;
}

export interface OrgWriteResult {
  created: boolean;
  teams: Record<string, string>;
  removedTeams: Record<string, string>;
  /** Documents someone else had created at or under the org's URLs before its first import, now deleted. */
  squats: string[];
}

/**
 * Writes an org import inside ONE store transaction (CONTRACT §4.6): the org document (a namespace), one team per
 * role with its permissions document inheriting from the org and its roles bound to the org document, and the
 * removal of teams whose role is gone, each with its event. Teams of an earlier import are found again (by the
 * recorded ids and by the teams the org document names) and updated in place, so a re-run never duplicates them
 * (B9). Unchanged teams and documents are not rewritten.
 *
 * Only an org document the services' client created is the org's (CONTRACT §4.8): a document someone else created
 * at or under the org's URLs before its first import is a squat. It never makes the import a 409 and is never taken
 * for the org: it is deleted (ending every role granted on it) and its heirs elsewhere inherit from the org instead.
 */
export async function writeOrg(tx: StoreTx, input: OrgWriteInput): Promise<OrgWriteResult> {
  const found = (await tx.getDocumentForUpdate(input.orgUrl))?.document;
  const existing = isMigratedOrgDocument(found, input.servicesClients) ? found : undefined;
  if (existing && input.firstOnly) throw new ConflictError(`Permissions already exist for ${input.orgUrl}`);
  const squats = existing ? [] : await removeSquats(tx, input);

  const owned = await ownedTeams(tx, input, existing);
  const wanted = new Set(input.roles.map((r) => r.role));
  const teams: Record<string, string> = {};
  const plans = input.roles.map((planned) => {
    const stored = owned.byRole.get(planned.role);
    const teamUrl = stored?.id ?? input.newTeamUrl();
    teams[planned.role] = teamUrl;
    return { planned, stored, teamUrl };
  });
  const removed = [...owned.byRole].filter(([role]) => !wanted.has(role));
  const ownTeams = new Set([...owned.all.map((t) => t.id), ...plans.map((p) => p.teamUrl)]);

  const org = validateDocument(
    orgDocument({
      orgUrl: input.orgUrl,
      client: input.client,
      teams: plans.map((p) => ({ role: p.planned.role, teamUrl: p.teamUrl })),
      ownTeams,
      existing,
    }),
  );
  let orgIncarnation = incarnationOf(existing);
  if (!existing) {
    orgIncarnation = await tx.createDocument(withMetadata(org, undefined, stamp(input, true, true)));
  } else if (!sameContent(org, existing)) {
    await tx.updateDocument(withMetadata(org, existing._metadata, stamp(input, false)));
  }
  const boundToOrg = new Map(orgIncarnation === undefined ? [] : [[input.orgUrl, orgIncarnation]]);

  for (const { planned, stored, teamUrl } of plans) {
    const body = validateTeam({
      ...(stored ? withoutStamps(stored.team) : {}),
      isA: 'Team',
      name: `${input.org} ${planned.role}`,
      members: planned.members,
      roles: { ...(isPlainObject(stored?.team.roles) ? stored.team.roles : {}), [input.orgUrl]: planned.patterns },
    });
    const rolesGrantedOn = bindRoles(body.roles, stored?.team.rolesGrantedOn, boundToOrg);
    const team: Team = { ...body, ...(rolesGrantedOn ? { rolesGrantedOn } : {}) };
    if (!stored) {
      await tx.createTeam(teamUrl, { ...team, creator: input.client, created: input.now });
    } else if (!sameContent(team, withoutStamps(stored.team, true))) {
      await tx.updateTeam(teamUrl, { ...stampsOf(stored.team), ...team, modifier: input.client, modified: input.now });
    }
    if (!(await tx.getDocumentForUpdate(teamUrl))) {
      const own = validateDocument({ _subject: teamUrl, _inheritsPermissionsOf: [input.orgUrl] });
      await tx.createDocument(withMetadata(own, undefined, stamp(input, true)));
    }
  }

  const removedTeams: Record<string, string> = {};
  for (const [role, team] of removed) {
    removedTeams[role] = team.id;
    await deleteTeamAndDocument(tx, team.id);
  }
  for (const duplicate of owned.duplicates) await deleteTeamAndDocument(tx, duplicate.id);
  return { created: !existing, teams, removedTeams, squats };
}

/**
 * Deletes every document at or under the org's two URL forms (none of them the migration's: see writeOrg), after
 * pointing their heirs elsewhere at the org document, which the import creates next in the same transaction, so
 * that no document is left naming a missing parent.
 */
async function removeSquats(tx: StoreTx, input: OrgWriteInput): Promise<string[]> {
  const squats: string[] = [];
  for (const root of legacyOrgRoots({ org: input.org, orgUrl: input.orgUrl, rest: '' })) {
    squats.push(...(await tx.getSubjectsAtOrUnder(root)));
  }
  const removed = new Set(squats);
  for (const squat of squats) {
    for (const heir of await tx.getHeirDocuments(squat)) {
      if (removed.has(heir.document._subject)) continue;
      const before = parentsOf(heir.document);
      const parents = [...new Set(before.map((p) => (removed.has(p) ? input.orgUrl : p)))];
      // Naming only the org URL, which is about to hold the org's document, needs no change.
      if (parents.length === before.length && parents.every((p, i) => p === before[i])) continue;
      const redirected = { ...heir.document, _inheritsPermissionsOf: parents };
      await tx.updateDocument(withMetadata(redirected, heir.document._metadata, stamp(input, false)), heir.seq);
    }
  }
  for (const squat of squats) await tx.deleteDocument(squat);
  return squats;
}

/** The teams an earlier import of this org made: recorded ids first, then the teams its org document names. */
async function ownedTeams(tx: StoreTx, input: OrgWriteInput, existing: PermissionsDocument | undefined) {
  const candidates = new Map<string, string | undefined>();
  for (const [role, id] of Object.entries(input.recordedTeams)) candidates.set(id, role);
  for (const id of teamsNamedIn(existing)) if (!candidates.has(id)) candidates.set(id, undefined);
  const byRole = new Map<string, StoredTeam>();
  const all: StoredTeam[] = [];
  const duplicates: StoredTeam[] = [];
  const prefix = `${input.org} `;
  for (const [id, recordedRole] of candidates) {
    const stored = await tx.getTeamForUpdate(id);
    // Ours only if it still looks like a migrated team of this org: its name and a role on the org.
    const name = stored?.team.name;
    if (!stored || typeof name !== 'string' || !name.startsWith(prefix)) continue;
    if (!isPlainObject(stored.team.roles) || !Object.prototype.hasOwnProperty.call(stored.team.roles, input.orgUrl)) {
      continue;
    }
    const role = recordedRole ?? name.slice(prefix.length);
    all.push(stored);
    if (byRole.has(role)) duplicates.push(stored);
    else byRole.set(role, stored);
  }
  return { byRole, all, duplicates };
}

async function deleteTeamAndDocument(tx: StoreTx, id: string): Promise<void> {
  await tx.deleteTeam(id);
  // A document others inherit from stays (B15: no dangling parents); only the team's own leaf document goes.
  if ((await tx.getDocumentForUpdate(id)) && (await tx.getHeirs(id)).length === 0) await tx.deleteDocument(id);
}

/** The services' client writes everything an import writes. */
function stamp(input: OrgWriteInput, isCreate: boolean, namespace = false) {
  return { principal: input.client, now: input.now, isCreate, namespace };
}

/** The team without its server members (`rolesGrantedOn` kept when comparing what an import would write). */
function withoutStamps(team: Team, keepRoleBindings = false): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...team };
  for (const member of SERVER_STAMPS) if (!(keepRoleBindings && member === 'rolesGrantedOn')) delete rest[member];
  return rest;
}

function stampsOf(team: Team): Record<string, unknown> {
  const stamps: Record<string, unknown> = {};
  for (const stamp of ['creator', 'created'] as const) if (team[stamp] !== undefined) stamps[stamp] = team[stamp];
  return stamps;
}

/** Equal apart from `_metadata` and server stamps (key order ignored). */
function sameContent(a: object, b: object): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === '_metadata') return undefined;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)));
    }
    return v;
  });
}
