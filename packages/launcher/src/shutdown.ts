import type { Logger } from '@permissions/http-kit';
import { watchParent } from './parent-watch';

/** Duplicate signals within this window are one Ctrl-C seen through several processes (pnpm, the group). */
const DUPLICATE_WINDOW_MS = 2000;

/**
 * Runs `stop` once on SIGINT, SIGTERM or SIGHUP, or when the pnpm process above this one is gone, then exits 0:
 * a shutdown somebody asked for is a success (so pnpm adds no `ELIFECYCLE` line). A terminal's Ctrl-C reaches
 * every process of the group and pnpm relays it again, so signals right after the first are ignored; one sent
 * later (an impatient second Ctrl-C) exits at once.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let firstAt: number | undefined;
  const begin = (fields: Record<string, unknown>) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt > DUPLICATE_WINDOW_MS) process.exit(1);
      return;
    }
    firstAt = Date.now();
    log.info(fields, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => begin({ signal }));
  watchParent(process.env, (parentPid) =>
    begin({ reason: `the process that started this one (${parentPid}) is gone` }),
  );
}
