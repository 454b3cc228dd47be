import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * Where `pnpm start` keeps what must survive a restart: the embedded Postgres cluster, the development identity
 * (issuer and signing keys) and the stand-in legacy system's URL. `DATA_DIR`, relative to the checkout; default
 * `.data` in the checkout.
 */
export function dataDirOf(env: NodeJS.ProcessEnv): string {
  const configured = env.DATA_DIR?.trim();
  return path.resolve(REPO_ROOT, configured ? configured : '.data');
}
