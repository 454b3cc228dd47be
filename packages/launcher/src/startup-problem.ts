import { ConfigError } from '@permissions/config';

/**
 * A reason not to start that a person can act on (a port taken, a directory Postgres cannot enter): its message
 * says what is wrong and what to do, and it is printed as it is, without a stack.
 */
export class StartupProblem extends Error {
  override readonly name = 'StartupProblem';
}

/** How to find what holds a TCP port, for messages. */
export function whoHoldsPort(port: number): string {
  return process.platform === 'win32' ? `netstat -ano | findstr :${port}` : `lsof -nP -iTCP:${port} -sTCP:LISTEN`;
}

/**
 * Prints why the launcher stops: a StartupProblem or a configuration error as plain text on stderr (the message says
 * it all), anything else through the log, with its stack.
 */
export function reportStartFailure(err: unknown, log: { error(obj: object, msg: string): void }): void {
  if (err instanceof StartupProblem || err instanceof ConfigError) {
    process.stderr.write(`\nCannot start: ${err.message}\n\n`);
  } else log.error({ err }, 'start failed');
}

/** A service port already taken becomes a StartupProblem that names the variable to change; anything else as is. */
export function explainListenError(err: unknown, variable: string, port: number): unknown {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return err;
  return new StartupProblem(
    `port ${port} (${variable}) is taken. Free it (see what holds it: ${whoHoldsPort(port)}; often another ` +
      `\`pnpm start\` still running) or choose another port: ${variable}=<free port> pnpm start.`,
  );
}
