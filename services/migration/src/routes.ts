import { Router, type Request } from 'express';
import { byMethod, requesterOf, setWriteHeaders, type Handler } from '@permissions/http-kit';
import { BadRequestError, NotFoundError } from '@permissions/model';
import type { MigrationCaller } from './caller-check';
import type { LegacyOrgRef } from './legacy-resource';
import type { ImportSummary } from './org-import';

export const NOT_LEGACY_MSG =
  "doesn't look like an Edge resource or the configured edge hostname does not match the resource's hostname";

export interface MigrationCommands {
  configured: boolean;
  checkCaller(caller: MigrationCaller): Promise<void>;
  orgOf(resource: string): LegacyOrgRef | undefined;
  first(ref: LegacyOrgRef): Promise<ImportSummary>;
  again(ref: LegacyOrgRef): Promise<ImportSummary>;
}

/**
 * `POST /az-permissions-migration/migration-request` and `…/re-migration-request`, matched by prefix like the
 * original (reference §9.2, §9.3); any other method is 405. Without LEGACY_RBAC_URL every request is 404.
 */
export function migrationRoutes(commands: MigrationCommands): Router {
  const router = Router();
  const handler =
    (run: (ref: LegacyOrgRef) => Promise<ImportSummary>): Handler =>
    async (req, res) => {
      await commands.checkCaller(requesterOf(res));
      const ref = commands.orgOf(resourceOf(req));
      if (!ref) throw new NotFoundError(NOT_LEGACY_MSG);
      const { seq, ...summary } = await run(ref);
      setWriteHeaders(res, { seq });
      res.json(summary);
    };
  const notConfigured = () => {
    throw new NotFoundError('no legacy RBAC system is configured (LEGACY_RBAC_URL)');
  };
  const route = (path: RegExp, run: (ref: LegacyOrgRef) => Promise<ImportSummary>) => {
    router.all(path, commands.configured ? byMethod({ POST: handler(run) }) : notConfigured);
  };
  route(/^\/az-permissions-migration\/migration-request/, (ref) => commands.first(ref));
  route(/^\/az-permissions-migration\/re-migration-request/, (ref) => commands.again(ref));
  return router;
}

function resourceOf(req: Request): string {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('the request body must be a JSON object: {"resource": "<URL>"}');
  }
  const resource = Object.prototype.hasOwnProperty.call(body, 'resource')
    ? (body as Record<string, unknown>).resource
    : undefined;
  if (resource === undefined || resource === null || resource === '') {
    throw new BadRequestError('json property resource is required');
  }
  if (typeof resource !== 'string') throw new BadRequestError('json property resource must be a string (a URL)');
  return resource;
}
