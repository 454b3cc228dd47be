import { createServer } from 'node:http';
import express from 'express';

/**
 * The two baselines the runtime is compared with: raw node:http and bare express 5, both answering `true` to the
 * same request the runtime is sent (its body is drained, its headers ignored).
 */
const [kind, portText] = process.argv.slice(2);
const port = Number(portText);
if (kind === 'raw') {
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 4 });
    res.end('true');
  }).listen(port, '127.0.0.1');
} else {
  const app = express();
  app.get('/az-is-allowed', (_req, res) => {
    res.json(true);
  });
  app.listen(port, '127.0.0.1');
}
process.on('SIGTERM', () => process.exit(0));
