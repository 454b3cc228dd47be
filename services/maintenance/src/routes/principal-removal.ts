import {
  ErrorBody,
  LOOKUPS_THROTTLED,
  defineRoute,
  requesterOf,
  setWriteHeaders,
  type ApiRoute,
} from '@permissions/http-kit';
import type { MaintenanceCommands } from '../service';
import { REMOVAL_TOO_MANY, RemovalRequest, RemovalResult } from './lifecycle-schemas';

/** `POST /az-principals-removal` (CONTRACT §5): a principal out of everything the caller governs, or a preview. */
export function principalRemovalRoutes(commands: MaintenanceCommands): ApiRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/az-principals-removal',
      operationId: 'removePrincipal',
      summary: 'Remove a principal from every document and team the caller governs',
      description:
        'Removes the principal from every action map (`_self`, `_permissionsHeirs`, custom properties) of each ' +
        'document the caller may `govern`, and from the members of each team whose document he may `update`, in ' +
        'one transaction. Every decision is made on the state before the removal. A document the removal would ' +
        'leave without governor is skipped and said, not refused. With `dryRun: true` the same is decided and ' +
        'nothing is written.',
      tags: ['Bulk and lifecycle'],
      body: { content: { 'application/json': RemovalRequest } },
      responses: {
        200: {
          description: 'What was changed (or would be)',
          body: RemovalResult,
          optionalHeaders: ['X-Event-Sequence'],
        },
        409: { description: REMOVAL_TOO_MANY, body: ErrorBody },
        ...LOOKUPS_THROTTLED,
      },
      handle: async ({ body, res }) => {
        const result = await commands.principalRemoval.execute({ body, requester: requesterOf(res) });
        setWriteHeaders(res, { seq: result.sequence });
        res.json(result);
      },
    }),
  ];
}
