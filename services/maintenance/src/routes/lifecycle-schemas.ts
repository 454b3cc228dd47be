import { z } from 'zod';
import { MAX_BULK_DOCUMENTS, MAX_PRINCIPAL_BYTES, MAX_REMOVAL_TARGETS } from '@permissions/model';
import { ErrorBody, PermissionsDocument } from '@permissions/http-kit';
import { MAX_PREVIEW_HEIRS } from '../commands/patch-preview';

/**
 * The bodies of CONTRACT §5 "Bulk and lifecycle" as the OpenAPI document describes them. The commands check the
 * same rules with the same words (bulk-permissions.ts, principal-removal.ts); these say them at the boundary.
 */

/** principal → property → actions, sorted: one subject's share of a preview's gains or losses. */
const AccessChange = z
  .record(
    z.string().meta({ description: 'A principal (user, client, team `/az-tm-{id}`, or wildcard)' }),
    z.record(
      z.string().meta({ description: 'A property: `_self`, `_permissionsHeirs` or a custom one' }),
      z.array(z.string()).meta({ description: 'The actions, sorted' }),
    ),
  )
  .meta({ id: 'AccessChange', description: 'principal → property → actions' });

const AccessChanges = z
  .record(z.string().meta({ description: 'The resource or one of its heirs' }), AccessChange)
  .meta({
    id: 'AccessChanges',
    description:
      'subject → principal → property → actions, e.g. `{"http://x/doc": {"https://idp#bob": {"_self": ["read"]}}}`. ' +
      'Only subjects and principals with a change are listed.',
  });

export const PatchPreview = z
  .object({
    document: PermissionsDocument.meta({ description: 'The document as the PATCH would store it' }),
    gains: AccessChanges.meta({ description: 'Who would be allowed what they are not allowed now' }),
    losses: AccessChanges.meta({ description: 'Who would no longer be allowed what they are allowed now' }),
    heirsOmitted: z
      .literal(true)
      .optional()
      .meta({
        description: `Present when the document has more than ${MAX_PREVIEW_HEIRS} heirs: the rest were not previewed`,
      }),
  })
  .meta({
    id: 'PatchPreview',
    description:
      'What a PATCH would change (`dryRun=true`), computed by the engine before and after, on the document and on ' +
      'its heirs at any depth whose content the caller may read (`_self.admin`); other heirs are not named. Nothing ' +
      'is stored: no event, no sequence number.',
  });

export const BulkRequest = z
  .object({
    documents: z
      .array(PermissionsDocument)
      .max(MAX_BULK_DOCUMENTS)
      .meta({
        description:
          `Up to ${MAX_BULK_DOCUMENTS} documents in any order: each parent is in the batch or already stored. ` +
          'A subject already stored is changed to the given document (with `_self.govern` on it, as a PATCH needs), ' +
          'or left as it is when equal.',
      }),
  })
  .meta({ id: 'BulkRequest' });

export const BulkResult = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    sequence: z
      .number()
      .int()
      .nullable()
      .meta({
        description:
          'The highest event sequence of the batch as it now stands (written or unchanged): ask the runtime with ' +
          '`atLeast` = this to see all of it. `null` for an empty batch.',
      }),
  })
  .meta({ id: 'BulkResult' });

export const BulkRefusal = ErrorBody.extend({
  errors: z
    .array(
      z.looseObject({
        index: z.number().int().meta({ description: 'Its position in `documents`' }),
        subject: z.string(),
        msg: z.string().meta({ description: 'Why it was refused, in the words of the one-by-one route' }),
        missingParents: z.array(z.string()).optional().meta({
          description:
            'Parents it names that have no document the caller may see: sent again once they are written, it may pass',
        }),
        dependsOn: z
          .number()
          .int()
          .optional()
          .meta({ description: 'The index of the refused document it inherits from (refused for that alone)' }),
      }),
    )
    .optional()
    .meta({ description: 'Every refused document (absent when the request as a whole was refused)' }),
}).meta({ id: 'BulkRefusal' });

const REMOVAL_BODY = 'invalid JSON: the body must be {"principal": "…", "dryRun": true|false}';
const REMOVAL_DRY_RUN = 'invalid JSON: "dryRun" must be true (say what would change) or false (change it)';

export const RemovalRequest = z
  .object(
    {
      principal: z
        .string({ error: REMOVAL_BODY })
        .min(1, { error: REMOVAL_BODY })
        .meta({
          description: `The principal to remove (\`{issuer}#{id}\`, a team \`/az-tm-{id}\`, or an e-mail, looked up), at most ${MAX_PRINCIPAL_BYTES} bytes`,
        }),
      dryRun: z.boolean({ error: REMOVAL_DRY_RUN }).meta({
        description: 'Required: `true` answers what would change and writes nothing; `false` makes the change',
      }),
    },
    { error: REMOVAL_BODY },
  )
  .meta({ id: 'PrincipalRemovalRequest' });

const Skipped = z.union([
  z.object({ subject: z.string(), reason: z.string() }),
  z.object({ team: z.string(), reason: z.string() }),
]);

export const RemovalResult = z
  .object({
    principal: z.string().meta({ description: 'The principal removed, as documents and teams name it' }),
    dryRun: z.boolean(),
    documents: z
      .array(
        z.object({
          subject: z.string(),
          removed: z
            .record(z.string(), z.array(z.string()))
            .meta({ description: 'property → the actions whose lists named the principal' }),
        }),
      )
      .meta({ description: 'The documents changed (or that would be)' }),
    teams: z
      .array(
        z.object({ team: z.string().meta({ description: 'The team id' }), removed: z.tuple([z.literal('members')]) }),
      )
      .meta({ description: 'The teams he was removed from as a member (or would be)' }),
    skipped: z.array(Skipped).meta({
      description:
        'Documents and teams naming him that are left as they are, with why (not governed, or the removal would ' +
        'leave a document without governor): only those whose content the caller may read are listed',
    }),
    sequence: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The event of the last change written; `null` for a dry run or when nothing changed' }),
  })
  .meta({ id: 'PrincipalRemovalResult' });

export const REMOVAL_TOO_MANY = `The principal is named in more than ${MAX_REMOVAL_TARGETS} documents and teams (\`limit\`): remove it from some of them first`;
