import { createLogger, loadConfig, SERVICE_NAMES } from '@permissions/http-kit';
import { prepareEnvironment, type PreparedEnvironment } from './environment';
import { startServices, type RunningServices } from './services-process';
import { onShutdown } from './shutdown';
import { explainListenError, reportStartFailure } from './startup-problem';
import { welcomeText } from './welcome';

/** `pnpm start`: the four services in one process on PORT, routed by path, with whatever infrastructure is missing. */
async function main(): Promise<void> {
  const log = createLogger('launcher');
  let prepared: PreparedEnvironment | undefined;
  let running: RunningServices | undefined;
  onShutdown(log, async () => {
    await running?.close();
    await prepared?.stop();
  });
  try {
    prepared = await prepareEnvironment(process.env, log);
    Object.assign(process.env, prepared.env);
    const config = loadConfig(process.env);
    running = await startServices(
      [...SERVICE_NAMES],
      config,
      config.port,
      createLogger('permissions', config.logLevel),
    ).catch((err: unknown) => {
      throw explainListenError(err, 'PORT', config.port);
    });
    process.stdout.write(welcomeText({ baseUrls: { all: `http://127.0.0.1:${running.port}` }, prepared, config }));
  } catch (err) {
    reportStartFailure(err, log);
    await running?.close().catch(() => undefined);
    await prepared?.stop();
    process.exit(1);
  }
}

void main();
