import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from './cli';

/** `pnpm permissions …`: results on stdout, everything else on stderr, the exit code for scripts. */
/** `pnpm permissions` runs in the workspace root; a file is named relative to where the command was typed. */
function resolve(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(resolve(file), 'utf8');
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
  resolve,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`permissions: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 6;
  },
);
