import { createNotesApp } from './notes-app';

/** `PORT=4000 PERMISSIONS_URL=http://127.0.0.1:3200 pnpm --filter @permissions/example-guarded-notes start` */
const port = Number(process.env.PORT ?? 4000);
const app = createNotesApp({
  permissionsUrl: process.env.PERMISSIONS_URL ?? 'http://127.0.0.1:3200',
  resourceBase: process.env.NOTES_RESOURCE_BASE ?? 'http://notes.example',
});
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`guarded-notes listening on ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.on('SIGTERM', () => server.close());
