import { createLogger } from '@permissions/http-kit';
import { loadConfig, SERVICE_NAMES, type ServiceName } from '@permissions/config';
import { startServices, type RunningServices } from './services-process';
import { onShutdown } from './shutdown';
import { explainListenError, reportStartFailure } from './startup-problem';

/**
 * `pnpm start:service NAME`: one service process on its own port (MAINTENANCE_PORT, TEAMS_PORT, RUNTIME_PORT,
 * MIGRATION_PORT), against DATABASE_URL and the issuers of AUTH_ISSUERS. Several runtimes can run side by side:
 * give each its own RUNTIME_PORT (and LISTENER_URL when the default address is not reachable by the writers).
 */
async function main(): Promise<void> {
  const name = process.argv[2] as ServiceName | undefined;
  const log = createLogger(name && SERVICE_NAMES.includes(name) ? name : 'launcher');
  if (!name || !SERVICE_NAMES.includes(name)) {
    log.error(`usage: pnpm start:service ${SERVICE_NAMES.join('|')}`);
    process.exit(2);
  }
  let starting: Promise<RunningServices> | undefined;
  // A signal during the start (the port answers /health before a runtime has registered) waits for the start to
  // finish, then closes what it started: nothing is left registered or open.
  onShutdown(log, async () => {
    await (await starting?.catch(() => undefined))?.close();
  });
  try {
    const config = loadConfig(process.env);
    starting = startServices([name], config, config.ports[name], createLogger(name, config.logLevel)).catch(
      (err: unknown) => {
        throw explainListenError(err, `${name.toUpperCase()}_PORT`, config.ports[name]);
      },
    );
    const running = await starting;
    log.info({ service: name, port: running.port }, 'service ready');
  } catch (err) {
    reportStartFailure(err, log);
    process.exit(1);
  }
}

void main();
