import { Router } from 'express';
import { byMethod, requesterOf, setWriteHeaders } from '@permissions/http-kit';
import type { MaintenanceCommands } from '../service';

/** `POST /az-permissions-bulk` (CONTRACT §5): many documents in one transaction, all or nothing. */
export function bulkRoutes(commands: MaintenanceCommands): Router {
  const router = Router();
  router.all(
    '/az-permissions-bulk',
    byMethod({
      POST: async (req, res) => {
        const result = await commands.bulk.execute({ body: req.body, requester: requesterOf(res) });
        setWriteHeaders(res, { seq: result.sequence });
        res.json(result);
      },
    }),
  );
  return router;
}
