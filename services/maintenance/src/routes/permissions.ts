import { Router } from 'express';
import {
  byMethod,
  hasFlag,
  requesterOf,
  setContentLocation,
  setWriteHeaders,
  subjectFromQuery,
} from '@permissions/http-kit';
import type { MaintenanceCommands } from '../service';

/**
 * `/az-permissions?{subject}` as the original wrote it when the raw form reads back unchanged; otherwise (a `%`,
 * `#`, `&`, `?`, space or non-ASCII character, or a leading `subject=`) the percent-encoded form (B22).
 */
function location(subject: string): string {
  const rawIsExact = /^[\x21-\x7e]*$/.test(subject) && !/[%#&?]/.test(subject) && !subject.startsWith('subject=');
  return `/az-permissions?${rawIsExact ? subject : encodeURIComponent(subject)}`;
}

/** `/az-permissions`: create, read, patch and delete permissions documents (reference §7.1–§7.4). */
export function permissionsRoutes(commands: MaintenanceCommands): Router {
  const router = Router();
  router.all(
    '/az-permissions',
    byMethod({
      POST: async (req, res) => {
        const created = await commands.create.execute({ body: req.body, requester: requesterOf(res) });
        setWriteHeaders(res, { seq: created.seq, etagSeq: created.seq, location: location(created.document._subject) });
        res.status(201).json({ ...created.document, scopes: created.scopes });
      },
      GET: async (req, res) => {
        const subject = subjectFromQuery(req);
        const stored = await commands.read.execute({ subject, requester: requesterOf(res) });
        setWriteHeaders(res, { etagSeq: stored.seq });
        setContentLocation(req, res);
        res.json(stored.document);
      },
      PATCH: async (req, res) => {
        const subject = subjectFromQuery(req);
        const patched = await commands.patch.execute({
          subject,
          contentType: req.headers['content-type'],
          ifMatch: req.headers['if-match'],
          patch: req.body,
          requester: requesterOf(res),
        });
        setWriteHeaders(res, { seq: patched.seq, etagSeq: patched.seq });
        setContentLocation(req, res);
        res.json(patched.document);
      },
      DELETE: async (req, res) => {
        const subject = subjectFromQuery(req);
        const outcome = await commands.delete.execute({
          subject,
          cascade: hasFlag(req, 'cascade'),
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
  );
  return router;
}
