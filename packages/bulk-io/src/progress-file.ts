import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/**
 * What an interrupted import leaves behind, so that running it again goes on where it stopped: everything before
 * `committedBytes` of the file (whose content is identified by its SHA-256) is in the database. What lies after it
 * may be too (it is sent again, and comes back unchanged: the bulk route is idempotent), but nothing before it is
 * sent again.
 */
export interface ImportProgress {
  file: string;
  sha256: string;
  committedBytes: number;
  /** The number of the first line after `committedBytes`. */
  nextLine: number;
  created: number;
  updated: number;
  unchanged: number;
  /** The highest `sequence` the route answered (for `atLeast`). */
  sequence: number | null;
}

export async function readProgress(path: string): Promise<ImportProgress | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ImportProgress;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path} is not a progress file of an import: ${(error as Error).message}`);
  }
}

/** Written to a temporary file and renamed over the old one: a kill mid-write leaves the previous progress. */
export async function writeProgress(path: string, progress: ImportProgress): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(progress, null, 2)}\n`);
  await rename(temporary, path);
}

export async function removeProgress(path: string): Promise<void> {
  await rm(path, { force: true });
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
