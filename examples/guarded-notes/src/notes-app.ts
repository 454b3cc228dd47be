import express, { type Express, type Request } from 'express';
import { requirePermission } from '@permissions/client/express';

export interface NotesAppOptions {
  /** Where the permissions runtime answers (the all-in-one, or the runtime's own URL). */
  permissionsUrl: string;
  /** The URL prefix of this application's resources in permissions documents. */
  resourceBase: string;
}

/**
 * An application that keeps notes and asks the permissions service who may read or change each one. Its own data
 * (the notes) is its business; who may do what is the permissions service's: each note is the resource
 * `{resourceBase}/notes/{id}`, governed by a permissions document like any other.
 */
export function createNotesApp(options: NotesAppOptions): Express {
  const notes = new Map<string, string>();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  const runtime = { baseUrl: options.permissionsUrl };
  const note = (req: Request) => `${options.resourceBase}/notes/${String(req.params.id)}`;

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/notes/:id', requirePermission({ resource: note, action: 'read', runtime }), (req, res) => {
    const text = notes.get(String(req.params.id));
    if (text === undefined) return void res.status(404).json({ msg: 'no such note' });
    res.json({ id: req.params.id, text });
  });
  app.put('/notes/:id', requirePermission({ resource: note, action: 'update', runtime }), (req, res) => {
    const text = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string') return void res.status(400).json({ msg: 'text must be a string' });
    notes.set(String(req.params.id), text);
    res.json({ id: req.params.id, text });
  });
  return app;
}
