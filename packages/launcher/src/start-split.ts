import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLogger } from '@permissions/http-kit';
import { loadConfig, SERVICE_NAMES } from '@permissions/config';
import { prepareEnvironment, REPO_ROOT } from './environment';
import { onShutdown } from './shutdown';
import { printWelcome } from './welcome';
import { waitForHealth } from './wait-for-health';

/** `pnpm start:split`: the four services as four processes on their own ports, as in production. */
async function main(): Promise<void> {
  const log = createLogger('launcher');
  const prepared = await prepareEnvironment(process.env, log);
  const env = { ...process.env, ...prepared.env };
  const config = loadConfig(env);
  const children: ChildProcess[] = [];
  onShutdown(log, async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    await prepared.stop();
  });
  const entry = path.join(__dirname, 'start-service.ts');
  for (const name of SERVICE_NAMES) {
    // node itself, with tsx as a loader: the tsx CLI would SIGKILL a service still finishing its shutdown.
    const child = spawn(process.execPath, ['--import', 'tsx', entry, name], { env, stdio: 'inherit', cwd: REPO_ROOT });
    child.on('exit', (code, signal) => log.info({ service: name, code, signal }, 'service process exited'));
    children.push(child);
  }
  try {
    await Promise.all(SERVICE_NAMES.map((name) => waitForHealth(config.urls[name], 60_000)));
    await printWelcome({ baseUrls: config.urls, devIdp: prepared.devIdp, config });
  } catch (err) {
    log.error({ err }, 'a service did not start');
    await Promise.all(children.map((child) => stopChild(child)));
    await prepared.stop();
    process.exit(1);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

void main();
