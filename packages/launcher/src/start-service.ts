import { createLogger } from '@permissions/http-kit';
import { loadConfig, SERVICE_NAMES, type ServiceName } from '@permissions/config';
import { startServices } from './services-process';
import { onShutdown } from './shutdown';

/**
 * `pnpm start:service NAME`: one service process on its own port (MAINTENANCE_PORT, TEAMS_PORT, RUNTIME_PORT,
 * MIGRATION_PORT), against DATABASE_URL and the issuers of AUTH_ISSUERS. Several runtimes can run side by side:
 * give each its own RUNTIME_PORT (and LISTENER_URL when the default address is not reachable by the writers).
 */
async function main(): Promise<void> {
  const name = process.argv[2] as ServiceName | undefined;
  const log = createLogger(`launcher`);
  if (!name || !SERVICE_NAMES.includes(name)) {
    log.error(`usage: pnpm start:service ${SERVICE_NAMES.join('|')}`);
    process.exit(2);
  }
  let running: Awaited<ReturnType<typeof startServices>> | undefined;
  onShutdown(log, async () => {
    await running?.close();
  });
  try {
    const config = loadConfig(process.env);
    running = await startServices([name], config, config.ports[name], createLogger(name, config.logLevel));
    log.info({ service: name, port: running.port }, 'service ready');
  } catch (err) {
    log.error({ err }, 'start failed');
    await running?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
