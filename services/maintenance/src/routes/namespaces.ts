import { Router } from 'express';
import { byMethod, requesterOf, setContentLocation } from '@permissions/http-kit';
import { BadRequestError } from '@permissions/model';
import type { MaintenanceCommands } from '../service';
import { pageLimit } from '../commands/namespaces';

/** `GET /az-namespaces`: the namespaces, for the governors of `/` (see commands/namespaces.ts). */
export function namespacesRoutes(commands: MaintenanceCommands): Router {
  const router = Router();
  router.all(
    '/az-namespaces',
    byMethod({
      GET: async (req, res) => {
        const cursor = req.query.cursor;
        if (cursor !== undefined && typeof cursor !== 'string') throw new BadRequestError('cursor must be given once');
        const listed = await commands.namespaces.execute({
          limit: pageLimit(req.query.limit),
          cursor,
          requester: requesterOf(res),
        });
        setContentLocation(req, res);
        res.json(listed);
      },
    }),
  );
  return router;
}
