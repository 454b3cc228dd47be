import { SingleBar, Presets } from 'cli-progress';
import type { Io } from './context';

export interface Progress {
  tick(label: string): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; one plain line per item otherwise (logs, CI, pipes). */
export function progress(io: Io, verb: string, total: number | undefined): Progress {
  if (io.interactive) {
    const bar = new SingleBar(
      { format: `${verb} [{bar}] {value}/{total} {label}`, stream: io.terminal ?? process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total ?? 0, 0, { label: '' });
    let done = 0;
    return {
      tick(label) {
        done++;
        if (total === undefined) bar.setTotal(done);
        bar.update(done, { label });
      },
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  return {
    tick(label) {
      done++;
      io.err(`${verb} ${done}${total === undefined ? '' : `/${total}`} ${label}`);
    },
    stop() {},
  };
}
