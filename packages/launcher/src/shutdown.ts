import type { Logger } from '@permissions/http-kit';

/** Duplicate signals within this window are one Ctrl-C seen through several processes (pnpm, tsx, the group). */
const DUPLICATE_WINDOW_MS = 2000;

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits 0. A terminal's Ctrl-C reaches every process of the group and tsx
 * relays it again, so signals right after the first are ignored; one sent later (an impatient second Ctrl-C)
 * exits at once.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let firstAt: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt > DUPLICATE_WINDOW_MS) process.exit(1);
      return;
    }
    firstAt = Date.now();
    log.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
