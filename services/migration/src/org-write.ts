import {
  buildMetadata,
  isPlainObject,
  validateDocument,
  validateTeam,
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
}

/**
 * Writes an org import inside ONE store transaction (CONTRACT §4.6): the org document, one team per role with its
 * permissions document inheriting from the org, and the removal of teams whose role is gone, each with its event.
 * Teams of an earlier import are found again (by the recorded ids and by the teams the org document names) and
 * updated in place, so a re-run never duplicates them (B9). Unchanged teams and documents are not rewritten.
 */
export async function writeOrg(tx: StoreTx, input: OrgWriteInput): Promise<OrgWriteResult> {
  const existing = (await tx.getDocumentForUpdate(input.orgUrl))?.document;
  if (existing && input.firstOnly) throw new ConflictError(`Permissions already exist for ${input.orgUrl}`);

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
  if (!existing) {
    await tx.createDocument(withMetadata(org, undefined, input, true));
  } else if (!sameContent(org, existing)) {
    await tx.updateDocument(withMetadata(org, existing, input, false));
  }

  for (const { planned, stored, teamUrl } of plans) {
    const body = validateTeam({
      ...(stored ? withoutStamps(stored.team) : {}),
      isA: 'Team',
      name: `${input.org} ${planned.role}`,
      members: planned.members,
      roles: { ...(isPlainObject(stored?.team.roles) ? stored.team.roles : {}), [input.orgUrl]: planned.patterns },
    });
    if (!stored) {
      await tx.createTeam(teamUrl, { ...body, creator: input.client, created: input.now });
    } else if (!sameContent(body, withoutStamps(stored.team))) {
      await tx.updateTeam(teamUrl, { ...stampsOf(stored.team), ...body, modifier: input.client, modified: input.now });
    }
    if (!(await tx.getDocumentForUpdate(teamUrl))) {
      const own = validateDocument({ _subject: teamUrl, _inheritsPermissionsOf: [input.orgUrl] });
      await tx.createDocument(withMetadata(own, undefined, input, true));
    }
  }

  const removedTeams: Record<string, string> = {};
  for (const [role, team] of removed) {
    removedTeams[role] = team.id;
    await deleteTeamAndDocument(tx, team.id);
  }
  for (const duplicate of owned.duplicates) await deleteTeamAndDocument(tx, duplicate.id);
  return { created: !existing, teams, removedTeams };
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

function withMetadata(
  document: PermissionsDocument,
  previous: PermissionsDocument | undefined,
  input: OrgWriteInput,
  isCreate: boolean,
): PermissionsDocument {
  const _metadata = buildMetadata(document, previous?._metadata, { principal: input.client, now: input.now, isCreate });
  return { ...document, _metadata };
}

function withoutStamps(team: Team): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...team };
  for (const stamp of SERVER_STAMPS) delete rest[stamp];
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
