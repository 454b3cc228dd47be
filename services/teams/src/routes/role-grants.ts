import { z } from 'zod';
import {
  ErrorBody,
  defineRoute,
  internalise,
  requesterOf,
  setContentLocation,
  setWriteHeaders,
  subjectFromQuery,
  subjectQuery,
  type ApiRoute,
} from '@permissions/http-kit';
import type { createRoleGrants } from '../commands/role-grants';
import { representTeam } from '../commands/team-representation';
import { RoleGrants, TeamRepresentation } from './team-schemas';

const tags = ['Team roles'];
const WHO =
  "The base document's governors and the governors of `/` (who hand namespaces out); anyone else gets 403. A base " +
  'is read without trailing slashes.';

/** One required query parameter of `DELETE /az-roles`, with the message it has always had. */
const required = (name: string, description: string) => {
  const msg = `query parameter ${name} is required, once (DELETE /az-roles?base={URL}&team={team})`;
  return z.string({ error: msg }).min(1, { error: msg }).meta({ description });
};

/** `GET /az-roles?{base}` and `DELETE /az-roles?base=…&team=…` (CONTRACT §4.8; commands/role-grants.ts). */
export function roleGrantsRoutes(roleGrants: ReturnType<typeof createRoleGrants>): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/az-roles',
      operationId: 'getRoleGrants',
      summary: 'The teams holding roles on a base',
      description:
        `${WHO} Answers the base's document now (its incarnation, whether it is a namespace, its governors; null ` +
        'when it has none, so that every role on it is dead) and each team with roles on it: its members, its role ' +
        'maps on the base, the incarnation they were granted on and whether they still decide.',
      tags,
      query: subjectQuery('base', 'The base URL.'),
      responses: {
        200: { description: 'The grants', body: RoleGrants, headers: ['Content-Location'] },
        403: { description: 'Governs neither the base nor `/`', body: ErrorBody },
      },
      handle: async ({ req, res }) => {
        const grants = await roleGrants.list(subjectFromQuery(req, ['base']), requesterOf(res));
        setContentLocation(req, res);
        res.json(grants);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/az-roles',
      operationId: 'revokeRoles',
      summary: "End a team's roles on a base",
      description:
        `${WHO} Removes every role map of the team on the base (under any spelling of it) and leaves the rest of ` +
        'the team untouched. To end every role on a base at once, delete its document.',
      tags,
      query: z.looseObject({
        base: required('base', 'The base URL'),
        team: required('team', 'The team (`/az-tm-{id}`)'),
      }),
      responses: {
        200: { description: 'The team without them', body: TeamRepresentation, headers: ['ETag', 'X-Event-Sequence'] },
        403: { description: 'Governs neither the base nor `/`', body: ErrorBody },
        404: { description: 'The team holds no roles on the base (or does not exist)', body: ErrorBody },
      },
      handle: async ({ query, req, res }) => {
        const outcome = await roleGrants.revoke(
          internalise(query.base, req.headers.host),
          internalise(query.team, req.headers.host),
          requesterOf(res),
        );
        setWriteHeaders(res, { seq: outcome.seq, etagSeq: outcome.seq });
        res.json(representTeam(outcome.team.id, outcome.team.team));
      },
    }),
  ];
}
