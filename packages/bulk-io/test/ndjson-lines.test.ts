import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ndjsonLines, type NdjsonLine } from '../src';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ndjson-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function all(file: string, offset?: number, first?: number): Promise<NdjsonLine[]> {
  const lines: NdjsonLine[] = [];
  for await (const line of ndjsonLines(file, offset, first)) lines.push(line);
  return lines;
}

test('lines with exact byte offsets (multi-byte text, CRLF, blank lines, no final newline); resumes at an offset', async () => {
  const file = path.join(dir, 'a.ndjson');
  const text = '{"a":"é"}\r\n\n{"b":"日本"}\n   \n{"c":1}';
  await writeFile(file, text);
  const lines = await all(file);
  expect(lines.map((l) => [l.number, l.text])).toEqual([
    [1, '{"a":"é"}'],
    [3, '{"b":"日本"}'],
    [5, '{"c":1}'],
  ]);
  const bytes = Buffer.from(text);
  for (const line of lines) {
    expect(
      bytes
        .subarray(line.start, line.end)
        .toString()
        .replace(/\r?\n$/, ''),
    ).toBe(line.text);
  }
  expect(lines[2].end).toBe(bytes.length);
  // resumed where the second line starts, numbering goes on from there
  expect((await all(file, lines[1].start, 3)).map((l) => [l.number, l.text])).toEqual([
    [3, '{"b":"日本"}'],
    [5, '{"c":1}'],
  ]);
});

test('lines longer than a read chunk are whole', async () => {
  const file = path.join(dir, 'long.ndjson');
  const long = JSON.stringify({ x: 'y'.repeat(200_000) });
  await writeFile(file, `${long}\n${long}\n`);
  const lines = await all(file);
  expect(lines.map((l) => l.text)).toEqual([long, long]);
  expect(lines[1].start).toBe(long.length + 1);
});
