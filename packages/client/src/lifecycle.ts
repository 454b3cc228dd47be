import type { HttpCore } from './http-core';
import { queryString } from './query-string';
import type { BulkResult, PermissionsDocument, PrincipalRemoval, WatchCheck } from './types';

/** The body of a bulk write's BadRequestError: every refused document (nothing was stored). */
export interface BulkRefusal {
  msg: string;
  errors?: Array<{
    index: number;
    subject: string;
    msg: string;
    /** Parents it names with no document the caller may see: sent again once they are written, it may pass. */
    missingParents?: string[];
    /** The index of the refused document it inherits from (refused for that alone). */
    dependsOn?: number;
  }>;
}

/** The routes CONTRACT §5 adds beside the original's: listing, bulk, principal removal, watches, migration. */
export function lifecycleMethods(http: HttpCore) {
  const resourcesAccessible = async (q: {
    user: string;
    action: string;
    under?: string;
    limit?: number;
    cursor?: string;
  }) =>
    (
      await http.send<{ resources: string[]; next: string | null }>(
        'maintenance',
        'GET',
        `/az-resources-accessible${queryString(q)}`,
        { retryable: true },
      )
    ).body;

  return {
    /** One page of the resources `user` may do `action` on, sorted; `next` is the cursor of the following page. */
    resourcesAccessible,
    /** Every such resource, page after page. */
    async *allResourcesAccessible(q: { user: string; action: string; under?: string; pageSize?: number }) {
      let cursor: string | undefined;
      do {
        const page = await resourcesAccessible({ ...q, limit: q.pageSize, cursor });
        yield* page.resources;
        cursor = page.next ?? undefined;
      } while (cursor !== undefined);
    },
    /** Up to 10 000 documents in one transaction, all or nothing; a BadRequestError's body lists every refusal. */
    bulk: async (documents: readonly PermissionsDocument[]) =>
      (
        await http.send<BulkResult>('maintenance', 'POST', '/az-permissions-bulk', {
          body: { documents },
          // Idempotent by contract: sending the same documents again changes nothing.
          retryable: true,
        })
      ).body,
    /** Removes `principal` from every document and team the caller governs (or says what would change). */
    removePrincipal: async (principal: string, options: { dryRun?: boolean } = {}) =>
      (
        await http.send<PrincipalRemoval>('maintenance', 'POST', '/az-principals-removal', {
          body: { principal, dryRun: options.dryRun ?? false },
          retryable: options.dryRun === true,
        })
      ).body,
    /** Starts watching answers; `watchStream(id)` sends each change. */
    createWatch: async (checks: readonly WatchCheck[]) =>
      (
        await http.send<{ id: string; sequence: number; answers: unknown[] }>('runtime', 'POST', '/az-watches', {
          body: { checks },
          retryable: false,
        })
      ).body,
    deleteWatch: async (id: string) => {
      await http.send('runtime', 'DELETE', `/az-watches/${encodeURIComponent(id)}`, { retryable: true });
    },
    /** Imports an org of the legacy RBAC system (first time). */
    migrate: async (resource: string) =>
      (
        await http.send<Record<string, unknown>>('migration', 'POST', '/az-permissions-migration/migration-request', {
          body: { resource },
          retryable: false,
        })
      ).body,
    /** Imports it again (keeps it up to date). */
    remigrate: async (resource: string) =>
      (
        await http.send<Record<string, unknown>>(
          'migration',
          'POST',
          '/az-permissions-migration/re-migration-request',
          { body: { resource }, retryable: false },
        )
      ).body,
  };
}
