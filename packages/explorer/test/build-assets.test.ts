import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildExplorerAssets, loadExplorerAssets } from '../src/build-assets';

/** The production build (`pnpm build:explorer`) and how the service chooses between it and a fresh bundle. */
describe('explorer assets', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'explorer-dist-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  test('the build writes the page, its script and style sheet, and a manifest of its sources', async () => {
    const out = path.join(dir, 'dist');
    const files = await buildExplorerAssets(out);
    expect(files.sort()).toEqual(['explorer.css', 'explorer.js', 'index.html']);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.inputs).toEqual(expect.arrayContaining(['page/main.tsx', 'page/index.html']));
    expect(manifest.inputs.some((input: string) => input.includes('model/src'))).toBe(true);
    const loaded = await loadExplorerAssets(out);
    expect(loaded.html).toBe(await readFile(path.join(out, 'index.html'), 'utf8'));
  });

  async function fakeDist(name: string, manifest: { builtAt: number; inputs: string[] }) {
    const out = path.join(dir, name);
    await buildExplorerAssets(out);
    await writeFile(path.join(out, 'index.html'), 'the dist page');
    await writeFile(path.join(out, 'manifest.json'), JSON.stringify(manifest));
    return out;
  }

  test('a dist older than its sources is not served: the page is bundled afresh', async () => {
    const out = await fakeDist('stale', { builtAt: 0, inputs: ['page/main.tsx'] });
    expect((await loadExplorerAssets(out)).html).toMatch(/^<!doctype html>/);
  });

  test('a dist whose sources are absent (a production image) is served as built', async () => {
    const out = await fakeDist('production', { builtAt: 0, inputs: ['page/not-shipped.tsx'] });
    expect((await loadExplorerAssets(out)).html).toBe('the dist page');
  });

  test('without a dist the page is bundled in memory', async () => {
    const loaded = await loadExplorerAssets(path.join(dir, 'none'));
    expect([...loaded.files.keys()].sort()).toEqual(['explorer.css', 'explorer.js']);
  });
});
