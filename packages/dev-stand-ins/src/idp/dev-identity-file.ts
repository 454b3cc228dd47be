import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SIGNING_ALGS, type StoredSigningKey } from './signing-keys';

/**
 * The development identity kept in the data directory: the issuer URL (part of every principal `{iss}#{sub}`) and
 * the signing keys (so tokens stay valid across restarts). Development only: the private keys are in clear.
 */
export interface DevIdentity {
  issuer: string;
  signingKeys: StoredSigningKey[];
}

export const DEV_IDENTITY_FILE = 'dev-idp.json';

export function devIdentityPath(dataDir: string): string {
  return path.join(dataDir, DEV_IDENTITY_FILE);
}

/** A development identity file that exists but cannot be used: the message says which file and why. */
export class DevIdentityFileError extends Error {}

/** The identity kept in `dataDir`, or undefined when there is none yet. */
export async function readDevIdentity(dataDir: string): Promise<DevIdentity | undefined> {
  const file = devIdentityPath(dataDir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DevIdentityFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const problem = (why: string) =>
    new DevIdentityFileError(
      `${file} is not a development identity (${why}). Restore it from a backup, or delete it to start with a new ` +
        'issuer and keys (every principal {issuer}#{sub} stored so far would then belong to nobody).',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw problem('not JSON');
  }
  const { issuer, signingKeys } = (parsed ?? {}) as Partial<DevIdentity>;
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) throw problem('"issuer" must be a URL');
  if (!Array.isArray(signingKeys)) throw problem('"signingKeys" must be an array of JWKs');
  for (const key of signingKeys) {
    const k = key as Partial<StoredSigningKey> | null;
    if (k === null || typeof k !== 'object' || typeof k.kid !== 'string' || !SIGNING_ALGS.includes(k.alg as never)) {
      throw problem('each signing key must be a private JWK with "kid" and "alg" RS256 or ES256');
    }
  }
  return { issuer, signingKeys };
}

/** Writes the identity readable by its owner only, atomically (a crash never leaves half a file). */
export async function writeDevIdentity(dataDir: string, identity: DevIdentity): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  const file = devIdentityPath(dataDir);
  const temporary = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temporary, file);
}
