import { readFile } from 'node:fs/promises';
import { runCli } from './cli';

/** `pnpm permissions …`: results on stdout, everything else on stderr, the exit code for scripts. */
async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
  env: process.env,
  readFile: readInput,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`permissions: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 6;
  },
);
