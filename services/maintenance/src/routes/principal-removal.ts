import { Router } from 'express';
import { byMethod, requesterOf, setWriteHeaders } from '@permissions/http-kit';
import type { MaintenanceCommands } from '../service';

/** `POST /az-principals-removal` (CONTRACT §5): a principal out of everything the caller governs, or a preview. */
export function principalRemovalRoutes(commands: MaintenanceCommands): Router {
  const router = Router();
  router.all(
    '/az-principals-removal',
    byMethod({
      POST: async (req, res) => {
        const result = await commands.principalRemoval.execute({ body: req.body, requester: requesterOf(res) });
        setWriteHeaders(res, { seq: result.sequence });
        res.json(result);
      },
    }),
  );
  return router;
}
