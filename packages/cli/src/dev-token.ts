import { DevTokenError, requestDevToken } from '@permissions/dev-stand-ins/idp';
import { dataDirOf } from '@permissions/launcher/data-dir';
import { UsageError } from './exit-codes';

/**
 * A token for one user of the development identity provider that `pnpm start` runs, asked exactly as `pnpm token`
 * asks it: at the issuer kept in the data directory (`--data-dir`, else DATA_DIR, else `.data` in the checkout), and
 * checked to be signed with that directory's keys. An unknown user is a usage error; a provider that is not running
 * (or not this directory's) is the service being unavailable.
 */
export async function devToken(username: string, dataDir: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return await requestDevToken({ dataDir: dataDirOf(dataDir === undefined ? env : { DATA_DIR: dataDir }), username });
  } catch (err) {
    if (err instanceof DevTokenError && err.problem === 'unknown-user') throw new UsageError(err.message);
    throw err;
  }
}
