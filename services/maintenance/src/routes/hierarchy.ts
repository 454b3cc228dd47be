import { z } from 'zod';
import type { Request } from 'express';
import { BadRequestError } from '@permissions/model';
import {
  ErrorBody,
  defineRoute,
  internalise,
  queryList,
  requesterOf,
  setContentLocation,
  subjectFromQuery,
  subjectQuery,
  type ApiRoute,
} from '@permissions/http-kit';
import type { MaintenanceCommands } from '../service';

const collection = (req: Request, contents: unknown[]) => ({ kind: 'Collection', self: req.originalUrl, contents });

const Collection = (of: z.ZodType, id: string) =>
  z.object({ kind: z.literal('Collection'), self: z.string(), contents: z.array(of) }).meta({ id });
const Subjects = z.array(z.string());
const SubjectCollection = Collection(z.string(), 'SubjectCollection');
const tags = ['Hierarchy queries'];
const refused = {
  403: { description: 'Not allowed', body: ErrorBody },
  404: { description: 'No document (or one the caller may not know of)', body: ErrorBody },
};

/** The hierarchy queries of reference §7.5. */
export function hierarchyRoutes(commands: MaintenanceCommands): ApiRoute[] {
  const { queries } = commands;
  return [
    defineRoute({
      method: 'GET',
      path: '/az-permissions-heirs',
      operationId: 'getHeirs',
      summary: 'The direct heirs of a resource',
      description: 'Subjects whose `_inheritsPermissionsOf` names the resource. Needs `_self.read` on it.',
      tags,
      query: subjectQuery('subject', 'The resource.'),
      responses: {
        200: { description: 'The heirs', body: SubjectCollection, headers: ['Content-Location'] },
        ...refused,
      },
      handle: async ({ req, res }) => {
        const heirs = await queries.heirs(subjectFromQuery(req), requesterOf(res));
        setContentLocation(req, res);
        res.json(collection(req, heirs));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/az-permissions-heirs-details',
      operationId: 'getHeirsDetails',
      summary: 'The direct heirs of a resource, with chosen properties of each',
      description: 'Without `property`, as `/az-permissions-heirs`. Only heirs the caller may read are detailed.',
      tags,
      query: z.object({
        resource: z
          .string({ error: 'resource query parameter must be given once' })
          .meta({ description: 'The resource' }),
        property: queryList('Properties of each heir to include (repeatable)'),
      }),
      responses: {
        200: {
          description: 'The heirs (subjects, or `{self, …properties}`)',
          body: Collection(z.union([z.string(), z.looseObject({ self: z.string() })]), 'HeirsDetails'),
          headers: ['Content-Location'],
        },
        ...refused,
      },
      handle: async ({ query, req, res }) => {
        if (query.resource === '') throw badResource();
        const property = query.property;
        const properties = property === undefined ? [] : Array.isArray(property) ? property : [property];
        const requester = requesterOf(res);
        const subject = internalise(query.resource, req.headers.host);
        const contents =
          properties.length === 0
            ? await queries.heirs(subject, requester)
            : await queries.heirsDetails(subject, properties, requester);
        setContentLocation(req, res);
        res.json(collection(req, contents));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/az-users-who-can-access',
      operationId: 'getUsersWhoCanAccess',
      summary: 'Everyone a resource is shared with, through its ancestors too',
      description:
        'The union of `_metadata.sharedWith` of the resource and its ancestors (principals and team URLs). Needs ' +
        '`_self.admin` on the resource and on every ancestor.',
      tags,
      query: subjectQuery('subject', 'The resource.'),
      responses: {
        200: { description: 'Principals and teams', body: Subjects, headers: ['Content-Location'] },
        ...refused,
      },
      handle: async ({ req, res }) => {
        const users = await queries.usersWhoCanAccess(subjectFromQuery(req), requesterOf(res));
        setContentLocation(req, res);
        res.json(users);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/az-resources-shared-with',
      operationId: 'getResourcesSharedWith',
      summary: 'Resources shared with a principal (directly, through a team or a wildcard)',
      description: 'The principal must be the caller.',
      tags,
      query: subjectQuery('user', 'The principal (the caller).'),
      responses: {
        200: { description: 'Subjects', body: Subjects, headers: ['Content-Location'] },
        ...refused,
      },
      handle: async ({ req, res }) => {
        const subjects = await queries.resourcesSharedWith(subjectFromQuery(req, ['user']), requesterOf(res));
        setContentLocation(req, res);
        res.json(subjects);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/az-resources-accessible-by-team-members',
      operationId: 'getResourcesAccessibleByTeamMembers',
      summary: 'Resources a team is named in, and all their heirs',
      description: 'Needs `_self.update` on the team.',
      tags,
      query: subjectQuery('team', 'The team (`/az-tm-{id}`).'),
      responses: {
        200: { description: 'Subjects', body: SubjectCollection, headers: ['Content-Location'] },
        ...refused,
      },
      handle: async ({ req, res }) => {
        const subjects = await queries.accessibleByTeamMembers(subjectFromQuery(req, ['team']), requesterOf(res));
        setContentLocation(req, res);
        res.json(collection(req, subjects));
      },
    }),
  ];
}

function badResource(): Error {
  return new BadRequestError('resource query parameter must be given once');
}
