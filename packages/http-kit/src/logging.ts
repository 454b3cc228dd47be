import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

/** `json`: one JSON object per line, for collectors. `pretty`: one readable line per entry, for a person. */
export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** LOG_FORMAT when it is set; otherwise pretty on a terminal and JSON when the output goes to a file or a pipe. */
export function logFormatOf(env: NodeJS.ProcessEnv = process.env, stdoutIsTerminal = process.stdout.isTTY): LogFormat {
  const chosen = env.LOG_FORMAT?.trim();
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  return stdoutIsTerminal === true ? 'pretty' : 'json'; // an invalid value is reported by loadConfig
}

/** Fields the pretty format leaves out: the request line's message already says them, or they say nothing to a person. */
const PRETTY_IGNORES = 'pid,hostname,service,component,reqId,method,url,status,ms';

/**
 * Logs on stdout, in the format `logFormatOf` chooses. Every line of a request carries its request id (app.ts); in
 * the pretty format it stays in the JSON only.
 */
export function createLogger(
  name: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  format: LogFormat = logFormatOf(),
  destination?: NodeJS.WritableStream,
): Logger {
  const options: pino.LoggerOptions = { name, level, base: { service: name } };
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  return pino(
    options,
    pretty({
      sync: true,
      destination: destination ?? 1,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: PRETTY_IGNORES,
      messageFormat: '{if component}{component}: {end}{msg}',
      singleLine: true,
      ...(destination ? { colorize: false } : {}),
    }),
  );
}
