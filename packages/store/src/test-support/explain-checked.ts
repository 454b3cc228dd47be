import { ANCESTORS_WITH_DOCUMENTS_SQL } from '../ancestors';
import {
  HEIR_DOCUMENTS_SQL,
  HEIRS_SQL,
  SHARED_WITH_AND_HEIRS_SQL,
  SHARED_WITH_SQL,
  TRANSITIVE_HEIRS_SQL,
} from '../document-reads';
import { EVENTS_AFTER_SQL } from '../event-log';
import { NAMESPACES_SQL, SUBJECTS_AT_OR_UNDER_SQL, TEAMS_WITH_ROLES_ON_SQL } from '../authority-reads';
import {
  ACQUIRE_LEASE_SQL,
  DROP_UNFINISHED_LEASE_SQL,
  DUE_MIGRATIONS_SQL,
  FINISH_LEASE_SQL,
  MARK_CHECKED_SQL,
  RELEASE_LEASE_SQL,
  RENEW_LEASE_SQL,
} from '../migration-leases';
import { HEIRS_DEPTHS_SQL, LOCK_TEAMS_UPDATE_SQL, SUBJECTS_NAMING_PRINCIPAL_SQL } from '../batch-reads';
import type { Pool } from '../pool';
import { TEAMS_OF_PRINCIPAL_EXCEPT_SQL, TEAMS_OF_PRINCIPAL_SQL } from '../team-reads';
import {
  COUNT_TEAMS_OF_PRINCIPALS_SQL,
  HEIRS_DEPTH_SQL,
  LOCK_CHAIN_SHARE_SQL,
  LOCK_DOCUMENTS_SHARE_SQL,
  LOCK_DOCUMENTS_UPDATE_SQL,
  LOCK_TEAMS_OF_PRINCIPAL_SQL,
  TEAM_MEMBERS_SQL,
} from '../write-locks';

export interface CheckedQuery {
  sql: string;
  /** Every index the plan must look up by a condition. */
  indexes: readonly string[];
}

/**
 * Each hot query of the store by name, with the SQL the store really runs and the index meant to serve it
 * (spicedb's indexcheck proxy). A query whose plan stops using its index fails the test, not production.
 */
export const HOT_QUERIES = {
  'ancestors-with-documents': {
    sql: ANCESTORS_WITH_DOCUMENTS_SQL,
    indexes: ['permission_parents_pkey', 'permissions_pkey'],
  },
  heirs: { sql: HEIRS_SQL, indexes: ['permission_parents_parent_idx'] },
  'transitive-heirs': { sql: TRANSITIVE_HEIRS_SQL, indexes: ['permission_parents_parent_idx'] },
  'heir-documents': { sql: HEIR_DOCUMENTS_SQL, indexes: ['permission_parents_parent_idx', 'permissions_pkey'] },
  'shared-with': { sql: SHARED_WITH_SQL, indexes: ['permission_shared_with_principal_idx'] },
  'shared-with-and-heirs': {
    sql: SHARED_WITH_AND_HEIRS_SQL,
    indexes: ['permission_shared_with_principal_idx', 'permission_parents_parent_idx'],
  },
  'teams-of-principal': { sql: TEAMS_OF_PRINCIPAL_SQL, indexes: ['team_members_principal_idx', 'teams_pkey'] },
  'teams-of-principal-except': {
    sql: TEAMS_OF_PRINCIPAL_EXCEPT_SQL,
    indexes: ['team_members_principal_idx', 'teams_pkey'],
  },
  'events-after': { sql: EVENTS_AFTER_SQL, indexes: ['events_pkey'] },
  // the write path's locks and bounds (write-locks.ts)
  'lock-chain-share': { sql: LOCK_CHAIN_SHARE_SQL, indexes: ['permissions_pkey'] },
  'lock-documents-share': { sql: LOCK_DOCUMENTS_SHARE_SQL, indexes: ['permissions_pkey'] },
  'lock-documents-update': { sql: LOCK_DOCUMENTS_UPDATE_SQL, indexes: ['permissions_pkey'] },
  'lock-teams-of-principal': {
    sql: LOCK_TEAMS_OF_PRINCIPAL_SQL,
    indexes: ['team_members_principal_idx', 'teams_pkey'],
  },
  'team-members': { sql: TEAM_MEMBERS_SQL, indexes: ['team_members_pkey'] },
  'count-teams-of-principals': { sql: COUNT_TEAMS_OF_PRINCIPALS_SQL, indexes: ['team_members_principal_idx'] },
  'heirs-depth': { sql: HEIRS_DEPTH_SQL, indexes: ['permission_parents_parent_idx'] },
  // the set-based writes' reads (batch-reads.ts)
  'heirs-depths': { sql: HEIRS_DEPTHS_SQL, indexes: ['permission_parents_parent_idx'] },
  'subjects-naming-principal': { sql: SUBJECTS_NAMING_PRINCIPAL_SQL, indexes: ['permissions_principals_idx'] },
  'lock-teams-update': { sql: LOCK_TEAMS_UPDATE_SQL, indexes: ['teams_pkey'] },
  'teams-with-roles-on': { sql: TEAMS_WITH_ROLES_ON_SQL, indexes: ['teams_roles_granted_on_idx'] },
  'subjects-at-or-under': {
    sql: SUBJECTS_AT_OR_UNDER_SQL,
    indexes: ['permissions_pkey', 'permissions_subject_bytes_idx'],
  },
  namespaces: { sql: NAMESPACES_SQL, indexes: ['permissions_namespaces_idx'] },
  'lease-acquire': { sql: ACQUIRE_LEASE_SQL, indexes: ['migrations_pkey'] },
  'lease-renew': { sql: RENEW_LEASE_SQL, indexes: ['migrations_pkey'] },
  'lease-finish': { sql: FINISH_LEASE_SQL, indexes: ['migrations_pkey'] },
  'lease-drop-unfinished': { sql: DROP_UNFINISHED_LEASE_SQL, indexes: ['migrations_pkey'] },
  'lease-release': { sql: RELEASE_LEASE_SQL, indexes: ['migrations_pkey'] },
  'lease-mark-checked': { sql: MARK_CHECKED_SQL, indexes: ['migrations_pkey'] },
  'migrations-due': { sql: DUE_MIGRATIONS_SQL, indexes: ['migrations_due_idx'] },
} as const satisfies Record<string, CheckedQuery>;

export type HotQueryName = keyof typeof HOT_QUERIES;

export interface PlanSummary {
  /** Indexes the plan looks up by a condition (a scan of a whole index does not count: it is a sequential scan). */
  indexes: string[];
  /** Tables the plan reads by sequential scan. */
  seqScans: string[];
  plan: unknown;
}

export interface ExplainChecked<Name extends string = HotQueryName> {
  /**
   * Plans the named query. By default (`seqscan: false`) sequential scans, hash joins and merge joins are switched
   * off: on tiny test tables the planner would otherwise hash-join whole tables, and what matters is the plan it picks
   * when few rows are reached among many (nested index lookups). `seqscan: true` leaves the planner alone, for
   * tables filled to a realistic size and analysed.
   */
  explain(name: Name, params: unknown[], options?: { seqscan?: boolean }): Promise<PlanSummary>;
  /** Throws unless the plan of the named query looks up every one of its indexes. */
  expectIndexUsed(name: Name, params: unknown[], options?: { seqscan?: boolean }): Promise<PlanSummary>;
}

/** Checks the store's hot queries, or any other named queries given (the helper's own tests pass a bad one). */
export function explainChecked(pool: Pool): ExplainChecked;
export function explainChecked<Name extends string>(
  pool: Pool,
  queries: Record<Name, CheckedQuery>,
): ExplainChecked<Name>;
export function explainChecked(
  pool: Pool,
  queries: Record<string, CheckedQuery> = HOT_QUERIES,
): ExplainChecked<string> {
  async function explain(name: string, params: unknown[], options: { seqscan?: boolean } = {}) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // SET LOCAL ends with the transaction, so the pooled connection goes back unchanged
      if (options.seqscan !== true) {
        for (const setting of ['enable_seqscan', 'enable_hashjoin', 'enable_mergejoin']) {
          await client.query(`SET LOCAL ${setting} = off`);
        }
      }
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) ${queries[name]!.sql}`,
        params,
      );
      const plan = rows[0]?.['QUERY PLAN'];
      const summary: PlanSummary = { indexes: [], seqScans: [], plan };
      collect(plan, summary);
      return summary;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  return {
    explain,
    async expectIndexUsed(name, params, options) {
      const summary = await explain(name, params, options);
      const missing = queries[name]!.indexes.filter((index) => !summary.indexes.includes(index));
      if (missing.length > 0) {
        throw new Error(
          `query ${name} does not use ${missing.join(', ')}; indexes used: [${summary.indexes.join(', ')}], ` +
            `sequential scans: [${summary.seqScans.join(', ')}]\n${JSON.stringify(summary.plan, null, 2)}`,
        );
      }
      return summary;
    },
  };
}

/** Walks the JSON plan tree (nodes with "Plans" children) collecting index names and seq-scanned relations. */
function collect(node: unknown, summary: PlanSummary): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, summary);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (typeof record['Index Name'] === 'string' && typeof record['Index Cond'] === 'string') {
    summary.indexes.push(record['Index Name']);
  }
  // An upsert finds the conflicting row through its arbiter index.
  const arbiters = record['Conflict Arbiter Indexes'];
  if (Array.isArray(arbiters)) summary.indexes.push(...arbiters.filter((a): a is string => typeof a === 'string'));
  if (record['Node Type'] === 'Seq Scan' && typeof record['Relation Name'] === 'string') {
    summary.seqScans.push(record['Relation Name']);
  }
  for (const value of Object.values(record)) {
    if (typeof value === 'object') collect(value, summary);
  }
}
