import { z } from 'zod';
import {
  CHECKED_AFTER_AUTHORIZATION,
  ErrorBody,
  LOOKUPS_THROTTLED,
  PATCH_CONTENT,
  PermissionsDocument,
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
import type { MaintenanceCommands } from '../service';
import { PatchPreview } from './lifecycle-schemas';

/**
 * `/az-permissions?{subject}` as the original wrote it when the raw form reads back unchanged; otherwise (a `%`,
 * `#`, `&`, `?`, space or non-ASCII character, or a leading `subject=`) the percent-encoded form (B22).
 */
function location(subject: string): string {
  const rawIsExact = /^[\x21-\x7e]*$/.test(subject) && !/[%#&?]/.test(subject) && !subject.startsWith('subject=');
  return `/az-permissions?${rawIsExact ? subject : encodeURIComponent(subject)}`;
}

const tags = ['Permissions documents'];
const SUBJECT = 'The resource whose document this is.';
const Created = PermissionsDocument.extend({
  scopes: z.array(z.string()).optional().meta({ description: 'The documents whose rules decided this write' }),
});
const Deleted = PermissionsDocument.extend({
  _cascaded: z
    .array(z.string())
    .optional()
    .meta({ description: 'Heirs the caller governs, deleted with it (`cascade=true`)' }),
  _detached: z
    .array(z.string())
    .optional()
    .meta({ description: 'Heirs the caller does not govern, detached from it instead (`cascade=true`)' }),
});

/** `/az-permissions`: create, read, patch and delete permissions documents (reference §7.1–§7.4). */
export function permissionsRoutes(commands: MaintenanceCommands): ApiRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/az-permissions',
      operationId: 'createPermissions',
      summary: 'Create the permissions document of a resource',
      description:
        'Needs `create` on property `az-permissions` of `/` (for the trusted client of `X-Client-Authorization` when ' +
        'given, else for the user), and `_permissionsHeirs.add` on every parent. E-mail principals are turned into ids. ' +
        "Where a document may be created: inside a namespace it must inherit from it; a team's URL holds only its " +
        "team's own document; under a legacy org only the migration writes the org's document. A document that a " +
        'governor of `/` creates with no parent but `/` is a namespace (`_metadata.namespace`).',
      tags,
      body: { content: { 'application/json': PermissionsDocument }, checkedByHandler: CHECKED_AFTER_AUTHORIZATION },
      responses: {
        201: {
          description: 'Created: the stored document',
          body: Created,
          headers: ['ETag', 'X-Event-Sequence', 'Location'],
        },
        403: {
          description: 'Not allowed to create, to inherit from a parent, or to create the document there',
          body: ErrorBody,
        },
        409: { description: 'A document for this subject exists already', body: ErrorBody },
        ...LOOKUPS_THROTTLED,
      },
      handle: async ({ body, res }) => {
        const created = await commands.create.execute({ body, requester: requesterOf(res) });
        setWriteHeaders(res, { seq: created.seq, etagSeq: created.seq, location: location(created.document._subject) });
        res.status(201).json({ ...created.document, scopes: created.scopes });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/az-permissions',
      operationId: 'getPermissions',
      summary: 'Read the permissions document of a resource',
      description: 'Needs `_self.admin` on the document.',
      tags,
      query: subjectQuery('subject', SUBJECT),
      responses: {
        200: { description: 'The document', body: PermissionsDocument, headers: ['ETag', 'Content-Location'] },
        403: { description: 'Known but not readable by the caller', body: ErrorBody },
        404: { description: 'No document (or one the caller may not know of)', body: ErrorBody },
      },
      handle: async ({ req, res }) => {
        const subject = subjectFromQuery(req);
        const stored = await commands.read.execute({ subject, requester: requesterOf(res) });
        setWriteHeaders(res, { etagSeq: stored.seq });
        setContentLocation(req, res);
        res.json(stored.document);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/az-permissions',
      operationId: 'patchPermissions',
      summary: 'Change the permissions document of a resource',
      description:
        'Needs `_self.govern` and `_self.admin`, and `_permissionsHeirs.add` on every parent. `If-Match` must be the ' +
        'current ETag (412 otherwise); the body is a merge patch or a JSON patch, checked before `If-Match`.\n\n' +
        'With `dryRun=true` (and the subject as `subject=`): every step of the PATCH with the same answers for the ' +
        'same mistakes, then, instead of storing, `{"document", "gains", "losses"}`: the document as it would be, and ' +
        'who would gain or lose which actions on it and on its heirs (`PatchPreview`). Nothing is stored.',
      tags,
      query: subjectQuery('subject', SUBJECT, {
        dryRun: queryFlag(
          'Preview instead of patching: answers `{"document", "gains", "losses"}` and stores nothing. A value other ' +
            'than true or false is a 400, never a change.',
        ),
      }),
      headers: ifMatchHeader,
      body: { content: PATCH_CONTENT, checkedByHandler: CHECKED_AFTER_AUTHORIZATION },
      responses: {
        200: {
          description:
            'The patched document; with `dryRun=true`, the preview (`PatchPreview`), its `ETag` the version ' +
            'previewed and no `X-Event-Sequence`',
          body: z.union([PermissionsDocument, PatchPreview]),
          headers: ['ETag', 'Content-Location'],
          optionalHeaders: ['X-Event-Sequence'],
        },
        403: { description: 'Not allowed', body: ErrorBody },
        404: { description: 'No document (or one the caller may not know of)', body: ErrorBody },
        409: { description: 'The change conflicts with the stored state (a cycle, a heir)', body: ErrorBody },
        412: { description: '`If-Match` missing or not the current ETag', body: ErrorBody },
        ...LOOKUPS_THROTTLED,
      },
      handle: async ({ query, req, res }) => {
        const subject = subjectFromQuery(req);
        const input = {
          subject,
          contentType: req.headers['content-type'],
          ifMatch: req.headers['if-match'],
          patch: req.body,
          requester: requesterOf(res),
        };
        if (flagSet(query.dryRun)) {
          // CONTRACT §5: validated as the PATCH, answered with who would gain or lose what; nothing written
          const { preview, seq } = await commands.patch.preview(input);
          setWriteHeaders(res, { etagSeq: seq });
          setContentLocation(req, res);
          res.json(preview);
          return;
        }
        const patched = await commands.patch.execute(input);
        setWriteHeaders(res, { seq: patched.seq, etagSeq: patched.seq });
        setContentLocation(req, res);
        res.json(patched.document);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/az-permissions',
      operationId: 'deletePermissions',
      summary: 'Delete the permissions document of a resource',
      description:
        'Needs `_self.govern`. A document other documents inherit from is refused (409, naming the heirs) unless ' +
        '`cascade=true` (with `?subject=`), which deletes it and every heir the caller governs and detaches every ' +
        'other heir from it, in one transaction: a governor can always delete what he governs. A governor of `/` ' +
        'may delete a namespace he does not govern, ending every role granted on it.',
      tags,
      query: subjectQuery('subject', SUBJECT, { cascade: queryFlag('Delete or detach every heir (needs `subject=`)') }),
      responses: {
        200: { description: 'The deleted document', body: Deleted, headers: ['ETag', 'X-Event-Sequence'] },
        403: { description: 'Not allowed', body: ErrorBody },
        404: { description: 'No document (or one the caller may not know of)', body: ErrorBody },
        409: { description: 'Other documents inherit from it', body: ErrorBody },
      },
      handle: async ({ query, req, res }) => {
        const subject = subjectFromQuery(req);
        const outcome = await commands.delete.execute({
          subject,
          cascade: flagSet(query.cascade),
          requester: requesterOf(res),
        });
        setWriteHeaders(res, { seq: outcome.seq, etagSeq: outcome.deleted.seq });
        res.json({
          ...outcome.deleted.document,
          ...(outcome.cascaded.length > 0 ? { _cascaded: outcome.cascaded } : {}),
          ...(outcome.detached.length > 0 ? { _detached: outcome.detached } : {}),
        });
      },
    }),
  ];
}
