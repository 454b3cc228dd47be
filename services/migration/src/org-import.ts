import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@permissions/http-kit';
import type { PrincipalNormaliser } from '@permissions/auth';
import { isMigratedOrgDocument, BadRequestError, ConflictError, UnavailableError } from '@permissions/model';
import type { Store } from '@permissions/store';
import type { LegacyClient } from './legacy-client';
import { resolveLegacyUsers } from './legacy-members';
import type { LegacyOrgRef } from './legacy-resource';
import type { MigrationLeases, MigrationRecord } from './migration-lease';
import { writeOrg, type PlannedRole } from './org-write';
import { placePermissions, type UnplacedPermission } from './role-permissions';

export interface OrgImportDeps {
  store: Store;
  leases: MigrationLeases;
  legacy: LegacyClient;
  normaliser: PrincipalNormaliser;
  legacyRbacUrl: string;
  /** The first configured issuer: the legacy users' e-mails are its users (W5: never an issuer from a request). */
  issuer: string;
  /** `{issuer}#{PERMISSIONS_CLIENT_ID}`. */
  client: string;
  /** The services' client at every trusted issuer: an org document one of them created is the migration's. */
  servicesClients: readonly string[];
  leaseMs: number;
  log: Logger;
  now(): string;
  newTeamUrl(): string;
}

/** What an import answers (200): the teams by role, and what it could not use. */
export interface ImportSummary {
  org: string;
  orgUrl: string;
  teams: Record<string, string>;
  removedTeams: Record<string, string>;
  /** Legacy users the issuer does not know: not members of any team, reported rather than dropped silently. */
  unknownUsers: string[];
  /** Permission entries that name another org or are not paths of the org (issue item 3). */
  unplaced: UnplacedPermission[];
  /** Sequence number of the last event written (null when nothing changed). */
  seq: number | null;
}

/**
 * The migration command (reference §9.2–§9.4 with B9, B10 fixed). `first` is the on-demand import: 409 when the org
 * document the migration wrote exists (a squat does not count), otherwise it waits for a concurrent import of the same org and then re-checks, so concurrent
 * requests make exactly one import. `again` re-imports in place and refuses while another run holds the lease.
 */
export function createOrgImporter(deps: OrgImportDeps) {
  const pollMs = Math.max(20, Math.min(250, Math.round(deps.leaseMs / 20)));

  async function acquire(ref: LegacyOrgRef, owner: string, wait: boolean): Promise<MigrationRecord | undefined> {
    const deadline = Date.now() + 2 * deps.leaseMs;
    for (;;) {
      const lease = await deps.leases.acquire(ref.orgUrl, owner);
      if (lease) return lease.record;
      if (!wait) return undefined;
      if (Date.now() > deadline) throw new UnavailableError(`unable to get migration flag for orgURL ${ref.orgUrl}`);
      await sleep(pollMs);
    }
  }

  /** Runs `fn` holding the lease, renewing it meanwhile; records the run on success and frees the lease always. */
  async function withLease(
    ref: LegacyOrgRef,
    owner: string,
    fn: (stillHeld: () => Promise<void>) => Promise<{ summary: ImportSummary; record: MigrationRecord } | undefined>,
  ): Promise<ImportSummary | undefined> {
    let lost = false;
    const renewal = setInterval(
      () => {
        deps.leases.renew(ref.orgUrl, owner).then(
          (held) => (lost ||= !held),
          (err: unknown) => deps.log.warn({ err, orgUrl: ref.orgUrl }, 'could not renew the migration lease'),
        );
      },
      Math.max(10, Math.round(deps.leaseMs / 3)),
    );
    renewal.unref();
    const stillHeld = async () => {
      if (lost || !(await deps.leases.renew(ref.orgUrl, owner))) {
        throw new UnavailableError(`the migration of ${ref.orgUrl} took too long and was taken over`);
      }
    };
    try {
      const outcome = await fn(stillHeld);
      clearInterval(renewal);
      if (!outcome) {
        await deps.leases.release(ref.orgUrl, owner);
        return undefined;
      }
      await deps.leases.finish(ref.orgUrl, owner, outcome.record);
      return outcome.summary;
    } catch (err) {
      clearInterval(renewal);
      await deps.leases.release(ref.orgUrl, owner).catch((e: unknown) => deps.log.warn({ err: e }, 'lease release'));
      throw err;
    }
  }

  async function importOrg(
    ref: LegacyOrgRef,
    record: MigrationRecord,
    firstOnly: boolean,
    stillHeld: () => Promise<void>,
  ): Promise<{ summary: ImportSummary; record: MigrationRecord }> {
    const readAt = Date.now();
    const roles = await deps.legacy.readOrg(ref.org);
    const members = await resolveLegacyUsers(
      deps.normaliser,
      deps.issuer,
      roles.flatMap((role) => role.users),
    );
    const unplaced: UnplacedPermission[] = [];
    const planned: PlannedRole[] = roles.map((role) => {
      const placed = placePermissions(ref, deps.legacyRbacUrl, role.name, role.permissions);
      unplaced.push(...placed.unplaced);
      const principals = role.users.flatMap((email) => {
        const principal = members.principals.get(email);
        return principal === undefined ? [] : [principal];
      });
      return { role: role.name, members: [...new Set(principals)], patterns: placed.patterns };
    });
    await stillHeld();
    const { result, seq } = await deps.store.write((tx) =>
      writeOrg(tx, {
        org: ref.org,
        orgUrl: ref.orgUrl,
        client: deps.client,
        servicesClients: deps.servicesClients,
        roles: planned,
        recordedTeams: record.teams ?? {},
        firstOnly,
        now: deps.now(),
        newTeamUrl: deps.newTeamUrl,
      }),
    );
    deps.log.info(
      { orgUrl: ref.orgUrl, roles: planned.length, unknownUsers: members.unknown.length, unplaced: unplaced.length },
      result.created ? 'legacy org imported' : 'legacy org re-imported',
    );
    if (result.squats.length > 0) {
      deps.log.warn({ orgUrl: ref.orgUrl, squats: result.squats }, 'documents squatting the legacy org were deleted');
    }
    return {
      summary: {
        org: ref.org,
        orgUrl: ref.orgUrl,
        teams: result.teams,
        removedTeams: result.removedTeams,
        unknownUsers: members.unknown,
        unplaced,
        seq,
      },
      record: { org: ref.org, teams: result.teams, readAt },
    };
  }

  const alreadyThere = (ref: LegacyOrgRef) => new ConflictError(`Permissions already exist for ${ref.orgUrl}`);
  // Only the org document the migration wrote means "already migrated": a squat there is replaced (see writeOrg).
  const migrated = async (ref: LegacyOrgRef) =>
    isMigratedOrgDocument((await deps.store.getDocument(ref.orgUrl))?.document, deps.servicesClients);

  return {
    async first(ref: LegacyOrgRef): Promise<ImportSummary> {
      if (await migrated(ref)) throw alreadyThere(ref);
      const owner = randomUUID();
      const record = (await acquire(ref, owner, true)) ?? {};
      const summary = await withLease(ref, owner, async (stillHeld) => {
        // A concurrent import may have finished while this one waited for the lease.
        if (await migrated(ref)) return undefined;
        return importOrg(ref, record, true, stillHeld);
      });
      if (!summary) throw alreadyThere(ref);
      return summary;
    },

    async again(ref: LegacyOrgRef): Promise<ImportSummary> {
      const owner = randomUUID();
      const record = await acquire(ref, owner, false);
      if (!record) throw new BadRequestError(`migration in progress for org: ${ref.org}`);
      const summary = await withLease(ref, owner, (stillHeld) => importOrg(ref, record, false, stillHeld));
      if (!summary) throw new Error('unreachable: a re-import always completes or throws');
      return summary;
    },
  };
}

export type OrgImporter = ReturnType<typeof createOrgImporter>;
