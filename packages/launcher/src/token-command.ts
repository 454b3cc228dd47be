/**
 * `pnpm token NAME`: a token of the running development identity provider for user NAME, alone on stdout, so that
 * `TOKEN=$(pnpm -s token bob)` works. Everything else (usage, what went wrong) goes to stderr with a non-zero exit.
 */
import { DevTokenError, requestDevToken, DEFAULT_USERS } from '@permissions/dev-stand-ins/idp';
import { dataDirOf } from './data-dir';

const USAGE = `usage: pnpm -s token NAME   (NAME: ${DEFAULT_USERS.map((u) => u.username).join(', ')})`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0].startsWith('-')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    process.stdout.write(`${await requestDevToken({ dataDir: dataDirOf(process.env), username: args[0] })}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof DevTokenError)) throw err;
    process.stderr.write(`pnpm token: ${err.message}\n`);
    return err.problem === 'unknown-user' ? 2 : 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`pnpm token: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
