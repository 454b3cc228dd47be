/**
 * The few log methods this package uses. A pino logger fits it as is; declaring the shape here keeps the events
 * package free of a logging dependency and lets tests pass a silent or recording logger.
 */
export interface EventsLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: EventsLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
