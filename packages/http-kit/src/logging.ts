import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs on stdout; every request's lines carry its request id (see app.ts). */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name } });
}
