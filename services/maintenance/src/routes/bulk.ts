import {
  CHECKED_AFTER_AUTHORIZATION,
  ErrorBody,
  LOOKUPS_THROTTLED,
  defineRoute,
  requesterOf,
  setWriteHeaders,
  type ApiRoute,
} from '@permissions/http-kit';
import { MAX_BULK_DOCUMENTS } from '@permissions/model';
import type { MaintenanceCommands } from '../service';
import { BulkRefusal, BulkRequest, BulkResult } from './lifecycle-schemas';

/** The bulk route's path: its body limit is BULK_BODY_LIMIT, not BODY_LIMIT. */
export const BULK_PATH = '/az-permissions-bulk';

/** `POST /az-permissions-bulk` (CONTRACT §5): many documents in one transaction, all or nothing. */
export function bulkRoutes(commands: MaintenanceCommands): ApiRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: BULK_PATH,
      operationId: 'bulkPermissions',
      summary: 'Create or change many permissions documents in one transaction',
      description:
        `Up to ${MAX_BULK_DOCUMENTS} documents, in any order (heirs before parents too): parents within the batch or ` +
        'already stored. Judged by the rules of one-by-one writes, in an order where each comes after what it ' +
        'inherits from: `create` on property `az-permissions` of `/` as for `POST /az-permissions` (401/403 before ' +
        'anything about the body), each new document as a create, each stored one as a PATCH (`_self.govern`). ' +
        'All or nothing: a 400 lists every refused document (`errors`) and nothing is stored. Idempotent: the same ' +
        'documents sent again change nothing (`unchanged`). One event per document written. The body may be up to ' +
        '`BULK_BODY_LIMIT` (32 MB by default; 413 beyond).',
      tags: ['Bulk and lifecycle'],
      body: { content: { 'application/json': BulkRequest }, checkedByHandler: CHECKED_AFTER_AUTHORIZATION },
      responses: {
        200: { description: 'Stored', body: BulkResult, optionalHeaders: ['X-Event-Sequence'] },
        400: {
          description:
            `Refused, nothing stored: the body's shape, more than ${MAX_BULK_DOCUMENTS} documents (\`limit\`, ` +
            '`count`), or the documents refused (`errors`: cycles, missing parents, not allowed, invalid)',
          body: BulkRefusal,
        },
        403: { description: 'Not allowed to create permissions documents', body: ErrorBody },
        ...LOOKUPS_THROTTLED,
      },
      handle: async ({ body, res }) => {
        const result = await commands.bulk.execute({ body, requester: requesterOf(res) });
        setWriteHeaders(res, { seq: result.sequence });
        res.json(result);
      },
    }),
  ];
}
