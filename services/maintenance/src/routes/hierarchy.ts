import { Router, type Request } from 'express';
import { BadRequestError } from '@permissions/model';
import { byMethod, internalise, requesterOf, setContentLocation, subjectFromQuery } from '@permissions/http-kit';
import type { MaintenanceCommands } from '../service';

const collection = (req: Request, contents: unknown[]) => ({ kind: 'Collection', self: req.originalUrl, contents });

/** The hierarchy queries of reference §7.5. */
export function hierarchyRoutes(commands: MaintenanceCommands): Router {
  const router = Router();
  const { queries } = commands;
  router.all(
    '/az-permissions-heirs',
    byMethod({
      GET: async (req, res) => {
        const heirs = await queries.heirs(subjectFromQuery(req), requesterOf(res));
        setContentLocation(req, res);
        res.json(collection(req, heirs));
      },
    }),
  );
  router.all(
    '/az-permissions-heirs-details',
    byMethod({
      GET: async (req, res) => {
        const resource = req.query.resource;
        if (typeof resource !== 'string' || resource === '') {
          throw new BadRequestError('resource query parameter must be given once');
        }
        const property = req.query.property;
        const properties = property === undefined ? [] : Array.isArray(property) ? property : [property];
        if (!properties.every((p): p is string => typeof p === 'string')) throw new BadRequestError('bad property');
        const requester = requesterOf(res);
        const subject = internalise(resource, req.headers.host);
        const contents =
          properties.length === 0
            ? await queries.heirs(subject, requester)
            : await queries.heirsDetails(subject, properties, requester);
        setContentLocation(req, res);
        res.json(collection(req, contents));
      },
    }),
  );
  router.all(
    '/az-users-who-can-access',
    byMethod({
      GET: async (req, res) => {
        const users = await queries.usersWhoCanAccess(subjectFromQuery(req), requesterOf(res));
        setContentLocation(req, res);
        res.json(users);
      },
    }),
  );
  router.all(
    '/az-resources-shared-with',
    byMethod({
      GET: async (req, res) => {
        const subjects = await queries.resourcesSharedWith(subjectFromQuery(req, ['user']), requesterOf(res));
        setContentLocation(req, res);
        res.json(subjects);
      },
    }),
  );
  router.all(
    '/az-resources-accessible-by-team-members',
    byMethod({
      GET: async (req, res) => {
        const subjects = await queries.accessibleByTeamMembers(subjectFromQuery(req, ['team']), requesterOf(res));
        setContentLocation(req, res);
        res.json(collection(req, subjects));
      },
    }),
  );
  return router;
}
