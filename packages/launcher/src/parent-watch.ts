const CHECK_EVERY_MS = 1000;

/**
 * Calls `gone` once when the process that started this one has ended (it is then re-parented, and `ppid` changes).
 * pnpm relays SIGTERM and SIGINT to the script it runs, but a pnpm killed outright (SIGKILL, a crash) relays
 * nothing: without this, the services and Postgres would run on with nobody to stop them. Only for processes
 * started by a package manager or by the split launcher, whose parent is meant to outlive them.
 */
export function watchParent(env: NodeJS.ProcessEnv, gone: (parentPid: number) => void): void {
  if (!env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone(parent);
  }, CHECK_EVERY_MS);
  timer.unref();
}
