import { z } from 'zod';
import {
  CHECKED_AFTER_AUTHORIZATION,
  ErrorBody,
  LOOKUPS_THROTTLED,
  PATCH_CONTENT,
  defineRoute,
  flagSet,
  ifMatchHeader,
  queryFlag,
  requesterOf,
  setContentLocation,
  setWriteHeaders,
  subjectFromQuery,
  subjectQuery,
  type ApiRoute,
} from '@permissions/http-kit';
import type { createCreateTeam } from '../commands/create-team';
import type { createTeamCommands } from '../commands/team-commands';
import type { createRoleGrants } from '../commands/role-grants';
import { representTeam } from '../commands/team-representation';
import { roleGrantsRoutes } from './role-grants';
import { NewTeam, TeamLeft, TeamList, TeamRepresentation } from './team-schemas';

export interface TeamsCommands {
  create: ReturnType<typeof createCreateTeam>;
  teams: ReturnType<typeof createTeamCommands>;
  roleGrants: ReturnType<typeof createRoleGrants>;
}

const tags = ['Teams'];
const TEAM = /^\/az-tm-[^/]+$/;
const MEMBERSHIP_BOUND =
  'A member would be put in more teams by others than MAX_TEAMS_PER_MEMBER (100) allows (`msg` names the bound)';
const refused = {
  403: { description: 'Not allowed', body: ErrorBody },
  404: { description: 'No such team (or one the caller may not know of)', body: ErrorBody },
};

/** `/az-teams`, `/az-tm-{id}` (reference §8), leaving a team, and `/az-roles` (role-grants.ts). */
export function teamsRoutes(commands: TeamsCommands): ApiRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/az-teams',
      operationId: 'createTeam',
      summary: 'Create a team, with its own permissions document',
      description:
        'Needs `create` on property `az-teams` of `/`, and the rules of creating its permissions document. `roles` may ' +
        'name only bases whose document the caller governs (a base without a document is a 400): they are bound to ' +
        'that document (`rolesGrantedOn`) and end when it is deleted. Others may put a principal in at most ' +
        'MAX_TEAMS_PER_MEMBER teams.',
      tags,
      body: { content: { 'application/json': NewTeam }, checkedByHandler: CHECKED_AFTER_AUTHORIZATION },
      responses: {
        201: { description: 'Created', body: TeamRepresentation, headers: ['ETag', 'X-Event-Sequence', 'Location'] },
        403: { description: 'Not allowed', body: ErrorBody },
        409: { description: MEMBERSHIP_BOUND, body: ErrorBody },
        ...LOOKUPS_THROTTLED,
      },
      handle: async ({ body, res }) => {
        const created = await commands.create.execute({ body, requester: requesterOf(res) });
        setWriteHeaders(res, { seq: created.seq, etagSeq: created.seq, location: created.id });
        res.status(201).json(representTeam(created.id, created.team));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/az-teams',
      operationId: 'getTeamsOf',
      summary: 'The teams a principal is a member of',
      description: 'The principal must be the caller.',
      tags,
      query: subjectQuery('user', 'The principal (the caller).'),
      responses: {
        200: { description: 'Team URLs', body: TeamList, headers: ['Content-Location'] },
        403: { description: 'Not the caller', body: ErrorBody },
      },
      handle: async ({ req, res }) => {
        const user = subjectFromQuery(req, ['user']);
        const contents = await commands.teams.teamsOf(user, requesterOf(res));
        setContentLocation(req, res);
        res.json({ self: req.originalUrl, contents });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/az-tm-{id}',
      matcher: TEAM,
      operationId: 'getTeam',
      summary: 'Read a team',
      description: 'Needs `_self.read` on the team.',
      tags,
      responses: {
        200: { description: 'The team', body: TeamRepresentation, headers: ['ETag', 'Content-Location'] },
        ...refused,
      },
      handle: async ({ req, res }) => {
        const stored = await commands.teams.read(req.path, requesterOf(res));
        setWriteHeaders(res, { etagSeq: stored.seq });
        setContentLocation(req, res);
        res.json(representTeam(stored.id, stored.team));
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/az-tm-{id}',
      matcher: TEAM,
      operationId: 'patchTeam',
      summary: 'Change a team',
      description:
        'Needs `_self.update` on the team, except for a member whose only change is removing himself; `If-Match` is ' +
        'checked before the patch is applied. New roles are granted as on create.',
      tags,
      headers: ifMatchHeader,
      body: { content: PATCH_CONTENT, checkedByHandler: CHECKED_AFTER_AUTHORIZATION },
      responses: {
        200: { description: 'The patched team', body: TeamRepresentation, headers: ['ETag', 'X-Event-Sequence'] },
        ...refused,
        409: { description: MEMBERSHIP_BOUND, body: ErrorBody },
        412: { description: '`If-Match` missing or not the current ETag', body: ErrorBody },
        ...LOOKUPS_THROTTLED,
      },
      handle: async ({ req, res }) => {
        const patched = await commands.teams.patch({
          id: req.path,
          contentType: req.headers['content-type'],
          ifMatch: req.headers['if-match'],
          patch: req.body,
          requester: requesterOf(res),
        });
        setWriteHeaders(res, { seq: patched.seq, etagSeq: patched.seq });
        setContentLocation(req, res);
        res.json(representTeam(req.path, patched.team));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/az-tm-{id}',
      matcher: TEAM,
      operationId: 'deleteTeam',
      summary: 'Delete a team and its permissions document',
      description:
        "Needs `_self.delete` on the team. While documents inherit from the team's document the delete is refused " +
        '(409, naming the heirs) unless `cascade=true`: then each of them is detached from it (one left with neither ' +
        'parent nor governor inherits from `/`), so that whoever may delete a team always can.',
      tags,
      query: z.looseObject({ cascade: queryFlag("Detach the documents inheriting from the team's document") }),
      responses: {
        200: { description: 'The deleted team', body: TeamRepresentation, headers: ['ETag', 'X-Event-Sequence'] },
        ...refused,
        409: { description: "Documents still inherit from the team's document", body: ErrorBody },
      },
      handle: async ({ query, req, res }) => {
        const outcome = await commands.teams.delete(req.path, requesterOf(res), flagSet(query.cascade));
        setWriteHeaders(res, { seq: outcome.seq, etagSeq: outcome.deleted.seq });
        res.json(representTeam(outcome.deleted.id, outcome.deleted.team));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/az-tm-{id}/members',
      matcher: /^\/az-tm-[^/]+\/members$/,
      operationId: 'leaveTeam',
      summary: 'Leave a team',
      description:
        'A member removes himself from a team, which he may always do, even when he may not read it; only the ' +
        'principal himself may ask (a user token). The answer says no more about the team than that he left it.',
      tags,
      query: subjectQuery('principal', 'The member who leaves: the caller.'),
      responses: {
        200: { description: 'Left', body: TeamLeft, headers: ['X-Event-Sequence'] },
        403: { description: 'Not the caller himself', body: ErrorBody },
        404: { description: 'Not a member of this team (or no such team)', body: ErrorBody },
      },
      handle: async ({ req, res }) => {
        const id = req.path.slice(0, -'/members'.length);
        const principal = subjectFromQuery(req, ['principal']);
        const outcome = await commands.teams.leave(id, principal, requesterOf(res));
        setWriteHeaders(res, { seq: outcome.seq });
        res.json({ team: id, left: principal });
      },
    }),
    ...roleGrantsRoutes(commands.roleGrants),
  ];
}
