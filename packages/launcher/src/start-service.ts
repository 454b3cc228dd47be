import { createLogger, loadConfig, SERVICE_NAMES, type ServiceName } from '@permissions/http-kit';
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
  let running: RunningServices | undefined;
  onShutdown(log, async () => {
    await running?.close();
  });
  try {
    const config = loadConfig(process.env);
    running = await startServices([name], config, config.ports[name], createLogger(name, config.logLevel)).catch(
      (err: unknown) => {
        throw explainListenError(err, `${name.toUpperCase()}_PORT`, config.ports[name]);
      },
    );
    log.info({ service: name, port: running.port }, 'service ready');
  } catch (err) {
    reportStartFailure(err, log);
    await running?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
