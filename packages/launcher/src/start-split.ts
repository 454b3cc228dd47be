import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLogger } from '@permissions/http-kit';
import { loadConfig, SERVICE_NAMES } from '@permissions/config';
import { REPO_ROOT } from './data-dir';
import { prepareEnvironment, type PreparedEnvironment } from './environment';
import { onShutdown } from './shutdown';
import { reportStartFailure, StartupProblem } from './startup-problem';
import { welcomeText } from './welcome';
import { waitForHealth } from './wait-for-health';

/** `pnpm start:split`: the four services as four processes on their own ports, as in production. */
async function main(): Promise<void> {
  const log = createLogger('launcher');
  let preparing: Promise<PreparedEnvironment> | undefined;
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await Promise.all(children.map((child) => stopChild(child)));
    await (await preparing?.catch(() => undefined))?.stop();
  };
  onShutdown(log, stopAll);
  try {
    preparing = prepareEnvironment(process.env, log);
    const prepared = await preparing;
    if (stopping) return; // a signal came meanwhile: stopAll stops what was prepared
    // npm_lifecycle_event makes each service stop by itself should this launcher disappear (parent-watch.ts).
    const env = {
      ...process.env,
      ...prepared.env,
      npm_lifecycle_event: process.env.npm_lifecycle_event ?? 'start:split',
    };
    const config = loadConfig(env);
    const entry = path.join(__dirname, 'start-service.ts');
    const failed = new Promise<never>((_resolve, reject) => {
      for (const name of SERVICE_NAMES) {
        // node itself, with tsx as a loader: the tsx CLI would SIGKILL a service still finishing its shutdown.
        const child = spawn(process.execPath, ['--import', 'tsx', entry, name], {
          env,
          stdio: 'inherit',
          cwd: REPO_ROOT,
        });
        child.on('exit', (code, signal) => {
          if (stopping) return;
          log.error({ service: name, code, signal }, 'a service process ended');
          reject(
            new StartupProblem(`the ${name} service stopped (exit code ${code ?? signal}); its lines above say why`),
          );
        });
        children.push(child);
      }
    });
    failed.catch(() => undefined);
    await Promise.race([Promise.all(SERVICE_NAMES.map((name) => waitForHealth(config.urls[name], 60_000))), failed]);
    process.stdout.write(welcomeText({ baseUrls: config.urls, prepared, config }));
  } catch (err) {
    reportStartFailure(err, log);
    await stopAll();
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
