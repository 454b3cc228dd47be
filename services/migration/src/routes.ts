import { z } from 'zod';
import { ErrorBody, defineRoute, requesterOf, setWriteHeaders, type ApiRoute } from '@permissions/http-kit';
import { NotFoundError } from '@permissions/model';
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

const MigrationRequest = z
  .object(
    {
      resource: z
        .string({
          error: (iss) =>
            iss.input === undefined || iss.input === null
              ? 'json property resource is required'
              : 'json property resource must be a string (a URL)',
        })
        .min(1, { error: 'json property resource is required' })
        .meta({ description: 'A resource of the legacy system: `{LEGACY_RBAC_URL}/v1/o/{org}…`' }),
    },
    { error: 'the request body must be a JSON object: {"resource": "<URL>"}' },
  )
  .meta({ id: 'MigrationRequest' });

const MigrationSummary = z
  .looseObject({})
  .meta({ id: 'MigrationSummary', description: 'What the import created or changed (org document, teams)' });

/**
 * `POST /az-permissions-migration/migration-request` and `…/re-migration-request`, matched by prefix like the
 * original (reference §9.2, §9.3); any other method is 405. Without LEGACY_RBAC_URL every request is 404.
 */
export function migrationRoutes(commands: MigrationCommands): ApiRoute[] {
  const route = (
    name: 'migration-request' | 're-migration-request',
    operationId: string,
    summary: string,
    run: (ref: LegacyOrgRef) => Promise<ImportSummary>,
  ) =>
    defineRoute({
      method: 'POST',
      path: `/az-permissions-migration/${name}`,
      matcher: new RegExp(`^/az-permissions-migration/${name}`),
      prefixMatch: true,
      operationId,
      summary,
      description:
        "Matched by prefix, as the original. Callable by the services' own client and by governors of `/`. Without " +
        'a configured legacy system (LEGACY_RBAC_URL) every request is a 404.',
      tags: ['Migration'],
      body: {
        content: { 'application/json': MigrationRequest },
        // Unconfigured, the route answers 404 to everything; there is nothing to check the body against.
        ...(commands.configured ? {} : { checkedByHandler: 'No legacy system is configured: every request is a 404.' }),
      },
      responses: {
        200: { description: 'Imported', body: MigrationSummary, optionalHeaders: ['X-Event-Sequence'] },
        403: { description: 'Not allowed to migrate', body: ErrorBody },
        404: { description: 'Not a resource of the legacy system, or none is configured', body: ErrorBody },
        409: { description: 'Already imported (first migration only)', body: ErrorBody },
      },
      handle: async ({ body, res }) => {
        if (!commands.configured) throw new NotFoundError('no legacy RBAC system is configured (LEGACY_RBAC_URL)');
        await commands.checkCaller(requesterOf(res));
        const ref = commands.orgOf(body.resource);
        if (!ref) throw new NotFoundError(NOT_LEGACY_MSG);
        const { seq, ...summary } = await run(ref);
        setWriteHeaders(res, { seq });
        res.json(summary);
      },
    });
  return [
    route('migration-request', 'migrateOrg', 'Import an org of the legacy RBAC system', (ref) => commands.first(ref)),
    route('re-migration-request', 'remigrateOrg', 'Import an org of the legacy RBAC system again', (ref) =>
      commands.again(ref),
    ),
  ];
}
