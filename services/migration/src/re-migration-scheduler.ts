import type { Logger } from '@permissions/http-kit';
import type { LegacyClient } from './legacy-client';
import type { LegacyOrgRef } from './legacy-resource';
import type { MigrationLeases } from './migration-lease';
import type { OrgImporter } from './org-import';

export interface ReMigrationSchedulerOptions {
  leases: MigrationLeases;
  legacy: LegacyClient;
  importer: OrgImporter;
  orgOf(orgUrl: string): LegacyOrgRef | undefined;
  /** How often to look (60 s / SPEEDUP). */
  intervalMs: number;
  /** How long an org stays up to date before its audit is asked again (5 min / SPEEDUP). */
  staleMs: number;
  log: Logger;
}

/**
 * Reference §9.3 with B10 fixed: every `intervalMs`, each org not brought up to date for `staleMs` has its legacy
 * audit asked for role changes since its last import; only a change re-imports it, otherwise it is marked up to
 * date. Orgs whose import never completed are not retried here (the on-demand path does that).
 */
export function createReMigrationScheduler(options: ReMigrationSchedulerOptions) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function tick(): Promise<void> {
    const due = await options.leases.due(options.staleMs, 100);
    for (const { orgUrl, record } of due) {
      const ref = options.orgOf(orgUrl);
      if (!ref) continue; // imported from another LEGACY_RBAC_URL
      try {
        const changed = record.readAt === undefined || (await options.legacy.changedSince(ref.org, record.readAt));
        if (changed) await options.importer.again(ref);
        else await options.leases.markChecked(orgUrl);
      } catch (err) {
        options.log.warn({ err, orgUrl }, 'scheduled re-migration failed; will try again');
      }
    }
  }

  return {
    start(): void {
      timer = setInterval(() => {
        if (running) return; // a slow round is never overlapped by the next
        running = tick()
          .catch((err: unknown) => options.log.error({ err }, 're-migration round failed'))
          .finally(() => {
            running = undefined;
          });
      }, options.intervalMs);
      timer.unref();
    },
    async close(): Promise<void> {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
