import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeDevIdentity } from '@permissions/dev-stand-ins/idp';
import { useStack } from '@permissions/test-support/harness';

const REPO = path.resolve(__dirname, '../../..');
const get = useStack();

/** The shell block of the README's "The command line" section, as a reader would paste it. */
async function readmeCommands(): Promise<string> {
  const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### The command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('no sh block in the README section "The command line"');
  return block[1];
}

test("the README's command-line walkthrough runs as written against the services", async () => {
  const { stack } = get();
  // A directory of its own inside the checkout (pnpm finds the workspace from it), ignored by git.
  const dir = await mkdtemp(path.join(REPO, '.data', 'readme-'));
  try {
    // The data directory `pnpm start` would have written: the test's identity provider, with its keys.
    const dataDir = path.join(dir, 'data');
    await writeDevIdentity(dataDir, { issuer: stack.idp.issuer, signingKeys: await stack.idp.exportSigningKeys() });
    const script = `set -euo pipefail\n${await readmeCommands()}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: dir,
      env: { ...process.env, PERMISSIONS_URL: stack.url, DATA_DIR: dataDir },
    }).catch((err: { stdout?: string; stderr?: string }) => {
      throw new Error(`the README's commands failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('allowed');
    expect(lines).toContain('denied: exit 1');
    expect(lines.at(-1)).toMatch(/^imported notes\.ndjson: 0 created, 0 updated, 1 unchanged; sequence \d+$/);
    const exported = JSON.parse(await readFile(path.join(dir, 'notes.ndjson'), 'utf8'));
    expect(exported).toMatchObject({
      _subject: 'http://notes.example/notes/1',
      _self: { read: [expect.stringMatching(/#c3d0b4a2-/)], update: [expect.stringMatching(/#c3d0b4a2-/)] },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
