import { StartupProblem, whoHoldsPort } from './startup-problem';

/** A development stand-in whose URL other data depend on, and what to tell a person about it. */
export interface StableEndpoint {
  /** e.g. "the development identity provider". */
  what: string;
  /** The variable that chooses its port, e.g. DEV_IDP_PORT. */
  variable: string;
  defaultPort: number;
  /** The file of the data directory that keeps its URL. */
  file: string;
  /** Why its URL must not change, e.g. "its issuer URL is part of every principal {issuer}#{sub}". */
  why: string;
}

/**
 * The port to listen on: the kept URL's port when there is one (a variable that contradicts it stops the start),
 * else the variable, else the default. Never a port picked at random: the URL would then change from one start to
 * the next.
 */
export function choosePort(
  endpoint: StableEndpoint,
  requested: string | undefined,
  keptUrl: string | undefined,
): number {
  const wanted = requested?.trim() ? portNumber(endpoint.variable, requested.trim()) : undefined;
  if (keptUrl === undefined) return wanted ?? endpoint.defaultPort;
  const kept = portOf(keptUrl);
  if (wanted !== undefined && wanted !== kept) {
    throw new StartupProblem(
      `${endpoint.variable}=${wanted}, but ${endpoint.what} of this data directory is ${keptUrl} (kept in ` +
        `${endpoint.file}), and ${endpoint.why}. Unset ${endpoint.variable} to keep it, or give this set-up its own ` +
        `data directory: DATA_DIR=/some/other/dir ${endpoint.variable}=${wanted} pnpm start.`,
    );
  }
  return kept;
}

/** Runs `start` on `port`; a port already taken stops the start with a message saying what to do. */
export async function listenOrExplain<T>(
  endpoint: StableEndpoint,
  port: number,
  kept: boolean,
  start: (port: number) => Promise<T>,
): Promise<T> {
  try {
    return await start(port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const find = `see what holds it: ${whoHoldsPort(port)}`;
    throw new StartupProblem(
      kept
        ? `port ${port} is taken, and ${endpoint.what} must listen there: its URL http://127.0.0.1:${port} (kept in ` +
            `${endpoint.file}) never moves, because ${endpoint.why}. Free port ${port} (${find}; often another ` +
            '`pnpm start` of this checkout is still running), or give a separate set-up its own data directory: ' +
            `DATA_DIR=/some/other/dir ${endpoint.variable}=<free port> pnpm start.`
        : `port ${port} is taken: ${endpoint.what} listens there${port === endpoint.defaultPort ? ' by default' : ''}. ` +
            `Free it (${find}) or choose another port: ${endpoint.variable}=<free port> pnpm start (the port is ` +
            `then kept in ${endpoint.file}, so later starts need no variable).`,
    );
  }
}

function portOf(url: string): number {
  const parsed = new URL(url);
  return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
}

function portNumber(variable: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new StartupProblem(`${variable} must be a port number from 1 to 65535, not "${text}"`);
  }
  return port;
}
