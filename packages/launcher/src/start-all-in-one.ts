import { createLogger } from '@permissions/http-kit';
import { loadConfig, SERVICE_NAMES } from '@permissions/config';
import { prepareEnvironment, type PreparedEnvironment } from './environment';
import { startServices, type RunningServices } from './services-process';
import { onShutdown } from './shutdown';
import { explainListenError, reportStartFailure } from './startup-problem';
import { welcomeText } from './welcome';

/** `pnpm start`: the four services in one process on PORT, routed by path, with whatever infrastructure is missing. */
async function main(): Promise<void> {
  const log = createLogger('launcher');
  let preparing: Promise<PreparedEnvironment> | undefined;
  let starting: Promise<RunningServices> | undefined;
  // A signal during the start waits for each part to finish starting, then stops it: nothing is left behind.
  const stopAll = async () => {
    await (await starting?.catch(() => undefined))?.close();
    await (await preparing?.catch(() => undefined))?.stop();
  };
  onShutdown(log, stopAll);
  try {
    preparing = prepareEnvironment(process.env, log);
    const prepared = await preparing;
    Object.assign(process.env, prepared.env);
    const config = loadConfig(process.env);
    starting = startServices(
      [...SERVICE_NAMES],
      config,
      config.port,
      createLogger('permissions', config.logLevel),
    ).catch((err: unknown) => {
      throw explainListenError(err, 'PORT', config.port);
    });
    const running = await starting;
    process.stdout.write(welcomeText({ baseUrls: { all: `http://127.0.0.1:${running.port}` }, prepared, config }));
  } catch (err) {
    reportStartFailure(err, log);
    await stopAll();
    process.exit(1);
  }
}

void main();
