import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import path from 'node:path';
import { subjectFor, useStack } from '@permissions/test-support/harness';
import { runCli } from '@permissions/cli';
import { startDevIdp, writeDevIdentity } from '@permissions/dev-stand-ins/idp';

const get = useStack();
const REPO = path.resolve(__dirname, '../../..');

/** Where the files a test names are written (import streams a real file, and keeps its progress beside it). */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string[];
  err: string[];
}

/** Runs the command line in process, against the test's services, with files given as a map. */
async function cli(
  args: string[],
  options: {
    token?: string;
    files?: Record<string, string>;
    terminal?: NodeJS.WritableStream;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const { stack, tokens } = get();
  for (const [name, text] of Object.entries(options.files ?? {})) await writeFile(path.join(dir, name), text);
  const code = await runCli(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    interactive: options.terminal !== undefined,
    terminal: options.terminal,
    env: { PERMISSIONS_URL: stack.url, PERMISSIONS_TOKEN: options.token ?? tokens.alice, ...options.env },
    readFile: (name) => readFile(path.join(dir, name), 'utf8'),
    resolve: (name) => path.join(dir, name),
  });
  return { code, out, err };
}

test('pnpm permissions --help lists every command and the exit codes', async () => {
  const { stdout } = await promisify(execFile)('pnpm', ['--silent', 'permissions', '--help'], { cwd: REPO });
  for (const command of ['token', 'whoami', 'check', 'explain', 'get', 'put', 'patch', 'delete', 'import', 'export']) {
    expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  }
  expect(stdout).toContain('Exit codes: 0 ok');
});

test('each command has its own --help; a wrong option is a usage error (2)', async () => {
  const help = await cli(['check', '--help']);
  expect(help.code).toBe(0);
  expect(help.out.join('\n')).toContain('--action <action>');
  const wrong = await cli(['check', 'http://x']);
  expect(wrong.code).toBe(2);
  expect(wrong.err.join('\n')).toContain("required option '-a, --action <action>' not specified");
});

test('token NAME asks the identity provider kept in the data directory, as pnpm token does', async () => {
  const { stack, p } = get();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cli-token-'));
  try {
    const missing = await cli(['token', 'bob', '--data-dir', dataDir]);
    expect(missing.code).toBe(6);
    expect(missing.err.join('\n')).toContain(`no development identity in ${dataDir}`);

    await writeDevIdentity(dataDir, { issuer: stack.idp.issuer, signingKeys: await stack.idp.exportSigningKeys() });
    const res = await cli(['token', 'bob', '--data-dir', dataDir]);
    expect(res.code).toBe(0);
    const token = res.out[0];
    const subject = subjectFor('cli-token');
    await cli(['put', 'doc.json'], {
      files: { 'doc.json': JSON.stringify({ _subject: subject, _self: { govern: [p.bob] } }) },
    });
    // bob's document cannot be created by bob (only governors of / create): alice made it naming bob; bob reads it.
    const read = await cli(['--json', 'get', subject], { token });
    expect(read.code).toBe(0);
    expect(JSON.parse(read.out[0]).document._self.govern).toEqual([p.bob]);
    // DATA_DIR is where it looks without --data-dir.
    const fromEnv = await cli(['token', 'carol'], { env: { DATA_DIR: dataDir } });
    expect([fromEnv.code, fromEnv.out.length]).toEqual([0, 1]);
    const mallory = await cli(['token', 'mallory', '--data-dir', dataDir]);
    expect(mallory.code).toBe(2);
    expect(mallory.err.join('\n')).toContain('no development user named "mallory"');

    // Another provider's keys in the directory: the token is refused, not printed.
    const other = await startDevIdp();
    try {
      await writeDevIdentity(dataDir, { issuer: stack.idp.issuer, signingKeys: await other.exportSigningKeys() });
      const foreign = await cli(['token', 'bob', '--data-dir', dataDir]);
      expect([foreign.code, foreign.out]).toEqual([6, []]);
      expect(foreign.err.join('\n')).toContain('is not the development identity provider of');
    } finally {
      await other.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('put creates then replaces; get; patch with the current or a stale ETag; check; delete', async () => {
  const { p, tokens } = get();
  const subject = subjectFor('cli-doc');
  const doc = { _subject: subject, _self: { govern: [p.alice], read: [p.bob] } };
  const created = await cli(['--json', 'put', 'doc.json'], { files: { 'doc.json': JSON.stringify(doc) } });
  expect(created.code).toBe(0);
  const first = JSON.parse(created.out[0]);
  expect(first).toMatchObject({ created: true, etag: `e${first.sequence}` });
  const replaced = await cli(['put', 'doc.json'], {
    files: { 'doc.json': JSON.stringify({ ...doc, _self: { govern: [p.alice], read: [p.carol] } }) },
  });
  expect(replaced.out[0]).toMatch(new RegExp(`^replaced ${subject} \\(ETag e\\d+, event \\d+\\)$`));

  const got = await cli(['get', subject]);
  expect(JSON.parse(got.out.join('\n'))._self.read).toEqual([p.carol]);
  expect(got.err[0]).toMatch(/^ETag: e\d+$/);

  const patched = await cli(['--json', 'patch', subject, 'patch.json'], {
    files: { 'patch.json': JSON.stringify({ _self: { read: [p.bob] } }) },
  });
  expect(patched.code).toBe(0);
  const stale = await cli(['patch', subject, 'patch.json', '--etag', first.etag], {
    files: { 'patch.json': JSON.stringify({ note: 1 }) },
  });
  expect(stale.code).toBe(4);
  expect(stale.err[0]).toContain('If-Match header does not match etag');

  const sequence = JSON.parse(patched.out[0]).sequence;
  const allowed = await cli(['check', subject, '-a', 'read', '--at-least', String(sequence)], { token: tokens.bob });
  expect(allowed).toMatchObject({ code: 0, out: ['allowed'] });
  const denied = await cli(['--json', 'check', subject, '-a', 'update'], { token: tokens.bob });
  expect(denied.code).toBe(1);
  expect(['false', 'null']).toContain(denied.out[0]);

  expect((await cli(['delete', subject])).code).toBe(0);
  const missing = await cli(['get', subject]);
  expect(missing.code).toBe(3);
  const refused = await cli(['get', subject], { token: 'not-a-token' });
  expect(refused.code).toBe(5);
});

test('import (NDJSON, heirs before parents in the file) through the bulk route; export writes what import reads', async () => {
  const { p } = get();
  const root = subjectFor('cli-root');
  const child = `${root}/child`;
  const lines = [
    { _subject: child, _inheritsPermissionsOf: [root], _self: { read: [p.bob] } },
    {
      _subject: root,
      _self: { govern: [p.alice], read: [p.alice] },
      _permissionsHeirs: { add: [p.alice], read: [p.alice] },
    },
  ];
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  const imported = await cli(['import', 'docs.ndjson'], { files: { 'docs.ndjson': text } });
  expect(imported.code).toBe(0);
  // one request: the route orders the documents itself; off a terminal, a plain line per committed chunk
  expect(imported.err).toEqual([
    `importing ${Buffer.byteLength(text)}/${Buffer.byteLength(text)} bytes 2 created, 0 updated, 0 unchanged`,
  ]);
  expect(imported.out[0]).toMatch(/^imported docs\.ndjson: 2 created, 0 updated, 0 unchanged; sequence \d+$/);
  expect(existsSync(path.join(dir, 'docs.ndjson.import-progress.json'))).toBe(false);

  const again = await cli(['--json', 'import', 'docs.ndjson']);
  expect(JSON.parse(again.out[0])).toMatchObject({ created: 0, updated: 0, unchanged: 2, requests: 1 });

  const exported = await cli(['export', root]);
  expect(exported.code).toBe(0);
  expect(exported.out.map((line) => JSON.parse(line)._subject)).toEqual([root, child]);
  expect(exported.err.at(-1)).toBe('exported 2 documents');

  // the export imports as it is: nothing changes
  const back = await cli(['--json', 'import', 'export.ndjson'], {
    files: { 'export.ndjson': exported.out.join('\n') },
  });
  expect(JSON.parse(back.out[0])).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
});

test('import refusals: a line that is not JSON, a document refused (by line, nothing of its chunk stored), usage', async () => {
  const { p, tokens } = get();
  const broken = await cli(['import', 'bad.ndjson'], { files: { 'bad.ndjson': '{"_subject": "x"}\nnot json\n' } });
  expect(broken.code).toBe(2);
  expect(broken.err[0]).toMatch(/^ {2}line 2: /);
  expect(broken.err[1]).toBe(`permissions: ${path.join(dir, 'bad.ndjson')}:2 is not JSON`);
  expect((await cli(['get', 'x'])).code).toBe(3);

  // bob may not attach heirs to alice's document: the route refuses the line, nothing of its chunk is stored
  const parent = subjectFor('cli-alices');
  expect(
    (
      await cli(['put', 'parent.json'], {
        files: { 'parent.json': JSON.stringify({ _subject: parent, _self: { govern: [p.alice] } }) },
      })
    ).code,
  ).toBe(0);
  const refused = await cli(['import', 'bob.ndjson'], {
    token: tokens.bob,
    files: {
      'bob.ndjson': [
        { _subject: `${parent}-bobs`, _self: { govern: [p.bob] } },
        { _subject: `${parent}/bobs`, _inheritsPermissionsOf: [parent], _self: { govern: [p.bob] } },
      ]
        .map((d) => JSON.stringify(d))
        .join('\n'),
    },
  });
  expect(refused.code).toBe(2);
  expect(refused.err.filter((line) => line.startsWith('  line '))).toEqual([
    expect.stringMatching(new RegExp(`^  line 2 ${parent}/bobs: `)),
  ]);
  expect((await cli(['get', `${parent}-bobs`])).code).toBe(3);
  // a refusal of the request itself (here: no valid token) is its status's exit code
  expect((await cli(['import', 'bob.ndjson'], { token: 'not-a-token' })).code).toBe(5);

  const cycle = subjectFor('cli-cycle');
  const looped = await cli(['import', 'cycle.ndjson'], {
    files: {
      'cycle.ndjson': [
        { _subject: `${cycle}/fine`, _self: { govern: [p.alice] } },
        { _subject: `${cycle}/a`, _inheritsPermissionsOf: [`${cycle}/b`] },
        { _subject: `${cycle}/b`, _inheritsPermissionsOf: [`${cycle}/a`] },
      ]
        .map((d) => JSON.stringify(d))
        .join('\n'),
    },
  });
  expect(looped.code).toBe(2);
  expect(looped.err.filter((line) => line.startsWith('  line '))).toEqual([
    expect.stringMatching(new RegExp(`^  line 2 ${cycle}/a: .*cycle`)),
    expect.stringMatching(new RegExp(`^  line 3 ${cycle}/b: .*cycle`)),
  ]);
  expect((await cli(['get', `${cycle}/fine`])).code).toBe(3);

  expect((await cli(['import', '-'])).code).toBe(2);
  const chunk = await cli(['import', 'docs.ndjson', '--chunk', '10001']);
  expect([chunk.code, chunk.err[0]]).toEqual([2, 'permissions: --chunk must be an integer from 1 to 10000']);
});

test('on a terminal, import draws a progress bar instead of printing lines', async () => {
  const { p } = get();
  const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let drawn = '';
  terminal.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
  const docs = [1, 2, 3].map((i) =>
    JSON.stringify({ _subject: subjectFor(`cli-bar-${i}`), _self: { govern: [p.alice] } }),
  );
  const text = docs.join('\n');
  const res = await cli(['import', 'bar.ndjson', '--chunk', '1'], { files: { 'bar.ndjson': text }, terminal });
  expect(res.code).toBe(0);
  expect(res.err).toEqual([]);
  expect(drawn).toContain('importing [');
  expect(drawn).toContain(`${Buffer.byteLength(text)}/${Buffer.byteLength(text)} bytes 3 created`);
});

test('explain: the route is asked for, and a server without it says so (not found, 3)', async () => {
  const res = await cli(['explain', '/', '-a', 'read']);
  expect(res.code).toBe(3);
  expect(res.err[0]).toContain('/az-explain');
});
