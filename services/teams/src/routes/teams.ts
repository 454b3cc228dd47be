import { Router } from 'express';
import {
  byMethod,
  hasFlag,
  internalise,
  requesterOf,
  setContentLocation,
  setWriteHeaders,
  subjectFromQuery,
} from '@permissions/http-kit';
import type { createCreateTeam } from '../commands/create-team';
import type { createTeamCommands } from '../commands/team-commands';
import type { createRoleGrants } from '../commands/role-grants';
import { BadRequestError } from '@permissions/model';
import { representTeam } from '../commands/team-representation';

export interface TeamsCommands {
  create: ReturnType<typeof createCreateTeam>;
  teams: ReturnType<typeof createTeamCommands>;
  roleGrants: ReturnType<typeof createRoleGrants>;
}

/** `/az-teams` and `/az-tm-{id}` (reference §8). */
export function teamsRoutes(commands: TeamsCommands): Router {
  const router = Router();
  router.all(
    '/az-teams',
    byMethod({
      POST: async (req, res) => {
        const created = await commands.create.execute({ body: req.body, requester: requesterOf(res) });
        setWriteHeaders(res, { seq: created.seq, etagSeq: created.seq, location: created.id });
        res.status(201).json(representTeam(created.id, created.team));
      },
      GET: async (req, res) => {
        const user = subjectFromQuery(req, ['user']);
        const contents = await commands.teams.teamsOf(user, requesterOf(res));
        setContentLocation(req, res);
        res.json({ self: req.originalUrl, contents });
      },
    }),
  );
  router.all(
    /^\/az-tm-[^/]+$/,
    byMethod({
      GET: async (req, res) => {
        const stored = await commands.teams.read(req.path, requesterOf(res));
        setWriteHeaders(res, { etagSeq: stored.seq });
        setContentLocation(req, res);
        res.json(representTeam(stored.id, stored.team));
      },
      PATCH: async (req, res) => {
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
      DELETE: async (req, res) => {
        const outcome = await commands.teams.delete(req.path, requesterOf(res), hasFlag(req, 'cascade'));
        setWriteHeaders(res, { seq: outcome.seq, etagSeq: outcome.deleted.seq });
        res.json(representTeam(outcome.deleted.id, outcome.deleted.team));
      },
    }),
  );
  router.all(
    /^\/az-tm-[^/]+\/members$/,
    byMethod({
      DELETE: async (req, res) => {
        const id = req.path.slice(0, -'/members'.length);
        const principal = subjectFromQuery(req, ['principal']);
        const outcome = await commands.teams.leave(id, principal, requesterOf(res));
        setWriteHeaders(res, { seq: outcome.seq });
        res.json({ team: id, left: principal });
      },
    }),
  );
  router.all(
    '/az-roles',
    byMethod({
      GET: async (req, res) => {
        const grants = await commands.roleGrants.list(subjectFromQuery(req, ['base']), requesterOf(res));
        setContentLocation(req, res);
        res.json(grants);
      },
      DELETE: async (req, res) => {
        const outcome = await commands.roleGrants.revoke(
          internalise(queryParameter(req.query.base, 'base'), req.headers.host),
          internalise(queryParameter(req.query.team, 'team'), req.headers.host),
          requesterOf(res),
        );
        setWriteHeaders(res, { seq: outcome.seq, etagSeq: outcome.seq });
        res.json(representTeam(outcome.team.id, outcome.team.team));
      },
    }),
  );
  return router;
}

function queryParameter(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new BadRequestError(`query parameter ${name} is required, once (DELETE /az-roles?base={URL}&team={team})`);
  }
  return value;
}
