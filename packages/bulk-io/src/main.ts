import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBulkApi } from './bulk-api';
import { exportNdjson } from './ndjson-export';
import { importNdjson, ImportRefused } from './ndjson-import';
import { progressDisplay } from './terminal-progress';
import { principalOfToken } from './token-principal';

const USAGE = `usage:
  pnpm bulk import FILE [--chunk N] [--progress FILE]   NDJSON documents through POST /az-permissions-bulk
  pnpm bulk export [ROOT…] [--out FILE]                 what you may read, as NDJSON (stdout by default)
options: --url URL (env PERMISSIONS_URL, default http://127.0.0.1:3200), --token TOKEN (env PERMISSIONS_TOKEN)
An interrupted import resumes where it stopped when run again with the same file (see its progress file).`;

/** Exit codes: 0 done, 1 documents refused (nothing of their chunk stored), 2 usage, 3 anything else. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: process.env.PERMISSIONS_URL ?? 'http://127.0.0.1:3200' },
      token: { type: 'string', default: process.env.PERMISSIONS_TOKEN },
      chunk: { type: 'string' },
      progress: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.token === undefined || (command !== 'import' && command !== 'export')) {
    process.stderr.write(
      `${values.token === undefined ? 'a token is needed (--token or PERMISSIONS_TOKEN)\n' : ''}${USAGE}\n`,
    );
    return 2;
  }
  const api = createBulkApi({ url: values.url, token: values.token });
  if (command === 'import') {
    const [file] = rest;
    const chunk = values.chunk === undefined ? undefined : Number(values.chunk);
    if (file === undefined || (chunk !== undefined && !(Number.isInteger(chunk) && chunk >= 1 && chunk <= 10_000))) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const display = progressDisplay('importing');
    try {
      const result = await importNdjson({
        file,
        api,
        chunkSize: chunk,
        progressFile: values.progress,
        onProgress: (p) =>
          display.update(
            p.committedBytes,
            p.totalBytes,
            `${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged${p.waiting ? `, ${p.waiting} waiting for parents` : ''}`,
          ),
      });
      display.stop();
      const resumed = result.resumedFrom ? ` (resumed at line ${result.resumedFrom.line})` : '';
      process.stdout.write(
        `imported ${file}${resumed}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged; sequence ${result.sequence ?? '-'}\n`,
      );
      return 0;
    } catch (error) {
      display.stop();
      if (!(error instanceof ImportRefused)) throw error;
      process.stderr.write(`${error.message}\n`);
      for (const refusal of error.refusals)
        process.stderr.write(`  line ${refusal.line} ${refusal.subject}: ${refusal.msg}\n`);
      return 1;
    }
  }
  const out = values.out === undefined ? process.stdout : createWriteStream(values.out);
  const display = progressDisplay('exporting');
  const result = await exportNdjson({
    api,
    roots: rest.length > 0 ? rest : undefined,
    principal: principalOfToken(values.token),
    write: (line) =>
      new Promise<void>((resolve, reject) => out.write(`${line}\n`, (error) => (error ? reject(error) : resolve()))),
    onProgress: (exported, subject) => display.update(exported, undefined, subject),
    onSkipped: (subject) => process.stderr.write(`skipped ${subject}: you may not read it\n`),
  });
  display.stop();
  if (out !== process.stdout) await new Promise<void>((resolve) => out.end(resolve));
  process.stderr.write(`exported ${result.exported} documents${result.skipped ? `, skipped ${result.skipped}` : ''}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
