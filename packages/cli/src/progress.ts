import { SingleBar, Presets } from 'cli-progress';
import type { Io } from './context';

export interface Progress {
  /** `done` of `total` (undefined: not known), with what is being done. */
  update(done: number, total: number | undefined, label: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal. Otherwise (logs, CI, pipes) one plain line per update when
 * `lines` is set, nothing when not: callers that update per document say what they did once, at the end.
 */
export function progress(io: Io, verb: string, options: { lines: boolean; unit?: string }): Progress {
  const unit = options.unit === undefined ? '' : ` ${options.unit}`;
  if (io.interactive) {
    const bar = new SingleBar(
      {
        format: `${verb} [{bar}] {value}/{total}${unit} {label}`,
        stream: io.terminal ?? process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label) {
        if (!started) bar.start(total ?? done, 0, { label });
        started = true;
        bar.setTotal(total ?? Math.max(done, 1));
        bar.update(done, { label });
      },
      stop: () => bar.stop(),
    };
  }
  return {
    update(done, total, label) {
      if (options.lines) io.err(`${verb} ${done}${total === undefined ? '' : `/${total}`}${unit} ${label}`);
    },
    stop() {},
  };
}
