import {
  ErrorBody,
  PATCH_CONTENT,
  defineRoute,
  ifMatchHeader,
  requesterOf,
  setContentLocation,
  setWriteHeaders,
  subjectFromQuery,
  subjectQuery,
  type ApiRoute,
} from '@permissions/http-kit';
import type { createCreateTeam } from '../commands/create-team';
import type { createTeamCommands } from '../commands/team-commands';
import { representTeam } from '../commands/team-representation';
import { NewTeam, TeamList, TeamRepresentation } from './team-schemas';

export interface TeamsCommands {
  create: ReturnType<typeof createCreateTeam>;
  teams: ReturnType<typeof createTeamCommands>;
}

const tags = ['Teams'];
const TEAM = /^\/az-tm-[^/]+$/;
const refused = {
  403: { description: 'Not allowed', body: ErrorBody },
  404: { description: 'No such team (or one the caller may not know of)', body: ErrorBody },
};

/** `/az-teams` and `/az-tm-{id}` (reference §8). */
export function teamsRoutes(commands: TeamsCommands): ApiRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/az-teams',
      operationId: 'createTeam',
      summary: 'Create a team, with its own permissions document',
      description:
        'Needs `create` on property `az-teams` of `/`, and the rules of creating its permissions document. `roles` may ' +
        'name only bases the caller governs.',
      tags,
      body: { content: { 'application/json': NewTeam } },
      responses: {
        201: { description: 'Created', body: TeamRepresentation, headers: ['ETag', 'X-Event-Sequence', 'Location'] },
        403: { description: 'Not allowed', body: ErrorBody },
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
      description: 'Needs `_self.update` on the team; `If-Match` is checked before the patch is applied.',
      tags,
      headers: ifMatchHeader,
      body: { content: PATCH_CONTENT },
      responses: {
        200: { description: 'The patched team', body: TeamRepresentation, headers: ['ETag', 'X-Event-Sequence'] },
        ...refused,
        412: { description: '`If-Match` missing or not the current ETag', body: ErrorBody },
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
      description: 'Needs `_self.delete` on the team.',
      tags,
      responses: {
        200: { description: 'The deleted team', body: TeamRepresentation, headers: ['ETag', 'X-Event-Sequence'] },
        ...refused,
        409: { description: 'The team is still in use', body: ErrorBody },
      },
      handle: async ({ req, res }) => {
        const outcome = await commands.teams.delete(req.path, requesterOf(res));
        setWriteHeaders(res, { seq: outcome.seq, etagSeq: outcome.deleted.seq });
        res.json(representTeam(outcome.deleted.id, outcome.deleted.team));
      },
    }),
  ];
}
