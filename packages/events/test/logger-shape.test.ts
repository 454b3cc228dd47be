import type { Logger } from '@permissions/http-kit';
import type { EventsLogger } from '../src';

// The services pass their pino logger straight in; this fails to compile if the shapes drift apart.
const accepts = (log: Logger): EventsLogger => log;

it('accepts a pino logger as its logger', () => {
  expect(typeof accepts).toBe('function');
});
