import { createPermissionsClient, type PermissionsClient } from '@permissions/client';
import { principalOfToken } from '@permissions/client/express';
import { UsageError } from './exit-codes';

export interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** Where output goes; passed in so that tests and the progress bar share one notion of "a terminal". */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (progress bar) or a pipe/file (plain lines). */
  interactive: boolean;
  /** Where the progress bar is drawn when interactive (stderr). */
  terminal?: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  readFile(path: string): Promise<string>;
  /** The path of a file named on the command line (relative to where the command was typed), for streaming it. */
  resolve(path: string): string;
}

export interface Context {
  client: PermissionsClient;
  options: GlobalOptions;
  io: Io;
  /** The principal of the token (`{iss}#{sub}`), for questions about oneself. */
  me(): string;
  /** Prints a value: JSON with --json, else the text form. */
  print(value: unknown, text?: string): void;
}

export function contextOf(options: GlobalOptions, io: Io): Context {
  const client = createPermissionsClient({ baseUrl: options.url, token: options.token });
  return {
    client,
    options,
    io,
    me() {
      const principal = options.token === undefined ? undefined : principalOfToken(options.token);
      if (principal === undefined) {
        throw new UsageError('no user: give --user, or a user token with --token or PERMISSIONS_TOKEN');
      }
      return principal;
    },
    print(value, text) {
      io.out(options.json === true || text === undefined ? JSON.stringify(value, null, options.json ? 0 : 2) : text);
    },
  };
}

/** A JSON file, or stdin for `-`. */
export async function readJson(io: Io, path: string): Promise<unknown> {
  const text = await io.readFile(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${path === '-' ? 'stdin' : path} is not JSON: ${(err as Error).message}`);
  }
}
