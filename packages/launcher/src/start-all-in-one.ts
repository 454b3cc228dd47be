import { createLogger } from '@permissions/http-kit';
import { loadConfig, SERVICE_NAMES } from '@permissions/config';
import { prepareEnvironment } from './environment';
import { startServices } from './services-process';
import { onShutdown } from './shutdown';
import { printWelcome } from './welcome';

/** `pnpm start`: the four services in one process on PORT, routed by path, with whatever infrastructure is missing. */
async function main(): Promise<void> {
  const log = createLogger('launcher');
  const prepared = await prepareEnvironment(process.env, log);
  Object.assign(process.env, prepared.env);
  let running: Awaited<ReturnType<typeof startServices>> | undefined;
  onShutdown(log, async () => {
    await running?.close();
    await prepared.stop();
  });
  try {
    const config = loadConfig(process.env);
    running = await startServices(
      [...SERVICE_NAMES],
      config,
      config.port,
      createLogger('permissions', config.logLevel),
    );
    await printWelcome({ baseUrls: { all: `http://127.0.0.1:${running.port}` }, devIdp: prepared.devIdp, config });
  } catch (err) {
    log.error({ err }, 'start failed');
    await running?.close().catch(() => undefined);
    await prepared.stop();
    process.exit(1);
  }
}

void main();
