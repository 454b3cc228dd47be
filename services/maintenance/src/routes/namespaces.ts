import { z } from 'zod';
import { ErrorBody, defineRoute, requesterOf, setContentLocation, type ApiRoute } from '@permissions/http-kit';
import type { MaintenanceCommands } from '../service';
import { MAX_NAMESPACES_PAGE, pageLimit } from '../commands/namespaces';

const NamespaceList = z
  .object({
    namespaces: z.array(
      z.object({
        subject: z.string(),
        incarnation: z.number().optional().meta({ description: 'The incarnation of its document' }),
        creator: z.string().optional(),
        governors: z.array(z.string()),
      }),
    ),
    next: z
      .string()
      .nullable()
      .meta({ description: 'The cursor of the next page (`cursor=`), or null on the last page' }),
  })
  .meta({ id: 'NamespaceList', description: 'Namespaces in subject order, with who created and who governs each' });

/** `GET /az-namespaces`: the namespaces, for the governors of `/` (see commands/namespaces.ts). */
export function namespacesRoutes(commands: MaintenanceCommands): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/az-namespaces',
      operationId: 'getNamespaces',
      summary: 'The namespaces handed out under `/`',
      description:
        'For the governors of `/` only. With `GET /az-roles?{namespace}` they see which teams hold roles on each, ' +
        'and end a role (`DELETE /az-roles`) or a whole namespace (`DELETE /az-permissions?{namespace}`).',
      tags: ['Namespaces'],
      query: z.looseObject({
        limit: z
          .string({ error: `limit must be an integer from 1 to ${MAX_NAMESPACES_PAGE}` })
          .optional()
          .meta({ description: `Page size: 1 to ${MAX_NAMESPACES_PAGE}, 100 when absent` }),
        cursor: z
          .string({ error: 'cursor must be given once' })
          .optional()
          .meta({ description: "The previous page's `next`" }),
      }),
      responses: {
        200: { description: 'A page of namespaces', body: NamespaceList, headers: ['Content-Location'] },
        403: { description: 'Not a governor of `/`', body: ErrorBody },
      },
      handle: async ({ query, req, res }) => {
        const listed = await commands.namespaces.execute({
          limit: pageLimit(query.limit),
          cursor: query.cursor,
          requester: requesterOf(res),
        });
        setContentLocation(req, res);
        res.json(listed);
      },
    }),
  ];
}
