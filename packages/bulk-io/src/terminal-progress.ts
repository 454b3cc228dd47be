import { Presets, SingleBar } from 'cli-progress';

export interface ProgressDisplay {
  update(done: number, total: number | undefined, label: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; otherwise one plain line per update (logs, CI, pipes), at most
 * one a second so that a large file does not flood them.
 */
export function progressDisplay(verb: string, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${verb} [{bar}] {percentage}% {label}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label) {
        if (!started) bar.start(total ?? done, 0, { label });
        started = true;
        if (total !== undefined) bar.setTotal(total);
        else bar.setTotal(Math.max(done, 1));
        bar.update(done, { label });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (now - last < 1000 && (total === undefined || done < total)) return;
      last = now;
      stream.write(`${verb} ${total === undefined ? done : `${done}/${total}`} ${label}\n`);
    },
    stop() {},
  };
}
