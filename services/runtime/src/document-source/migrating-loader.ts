import { LRUCache } from 'lru-cache';
import type { PermissionsDocument } from '@permissions/model';
import { stringBytes } from '../caches/byte-size';
import type { AncestorLoader } from './types';
import { createSingleFlight } from './single-flight';

export interface MigrationTrigger {
  /** The legacy org URL a resource belongs to, or undefined when it cannot be a legacy resource (CONTRACT §2). */
  orgOf(resource: string): string | undefined;
  /** Asks the migration service to import the org; true when documents may now exist (imported or already there). */
  migrate(resource: string): Promise<boolean>;
  /** Whether the document found at an org URL is the one its migration wrote (not a squat, CONTRACT §4.8). */
  isMigrated(orgDocument: PermissionsDocument | null): boolean;
}

/**
 * Reference §6.8 with B18 fixed: a resource that could belong to the legacy system, of an org whose document the
 * migration has not written (none, or a squat someone else created there), makes the migration service import its
 * org once (concurrent misses of one org share the call; the attempt is remembered for a while), and the resources
 * are then read again. Anything else goes straight to a cached "no document".
 */
export function createMigratingLoader(
  inner: AncestorLoader,
  trigger: MigrationTrigger,
  rememberMs: number,
): AncestorLoader {
  const attempted = new LRUCache<string, true>({
    max: 10_000,
    ttl: rememberMs,
    maxSize: 4 * 1024 * 1024,
    sizeCalculation: (_value, org) => 64 + stringBytes(org),
  });
  const flights = createSingleFlight<string, boolean>();
  return async (subjects) => {
    const orgs = new Map<string, string>();
    for (const subject of subjects) {
      const org = trigger.orgOf(subject);
      if (org !== undefined && !attempted.has(org)) orgs.set(org, subject);
    }
    // The org documents come in the same round trip: whether each org is migrated decides the rest.
    const loaded = await inner(orgs.size === 0 ? subjects : [...new Set([...subjects, ...orgs.keys()])]);
    for (const org of [...orgs.keys()]) {
      if (trigger.isMigrated(loaded.get(org)?.document ?? null)) orgs.delete(org);
    }
    if (orgs.size === 0) return loaded;
    const outcomes = await Promise.all(
      [...orgs].map(([org, resource]) =>
        flights.run(org, async () => {
          try {
            return await trigger.migrate(resource);
          } finally {
            attempted.set(org, true);
          }
        }),
      ),
    );
    if (!outcomes.some(Boolean)) return loaded;
    const again = await inner(subjects);
    for (const [subject, entry] of again) loaded.set(subject, entry);
    return loaded;
  };
}
