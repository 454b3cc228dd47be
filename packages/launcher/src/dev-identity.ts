import {
  DEFAULT_IDP_PORT,
  devIdentityPath,
  readDevIdentity,
  startDevIdp,
  writeDevIdentity,
  type DevIdp,
} from '@permissions/dev-stand-ins/idp';
import { choosePort, listenOrExplain, type StableEndpoint } from './stable-port';
import { StartupProblem } from './startup-problem';

/**
 * The development identity provider with the issuer URL and signing keys kept in the data directory: a restart
 * never changes a principal `{iss}#{sub}` nor invalidates a token. The first start chooses the port (DEV_IDP_PORT,
 * default 3299) and keeps it; later starts listen there or stop with a message, never elsewhere.
 */
export async function startStableDevIdp(dataDir: string, env: NodeJS.ProcessEnv): Promise<DevIdp> {
  const file = devIdentityPath(dataDir);
  const kept = await readDevIdentity(dataDir).catch((err: Error) => {
    throw new StartupProblem(err.message);
  });
  const endpoint: StableEndpoint = {
    what: 'the development identity provider',
    variable: 'DEV_IDP_PORT',
    defaultPort: DEFAULT_IDP_PORT,
    file,
    why:
      'its issuer URL is part of every principal {issuer}#{sub}: elsewhere alice, bob, carol and dave would be ' +
      'other principals, and lose what they were given',
  };
  if (kept && !isLoopbackHttp(kept.issuer)) {
    throw new StartupProblem(`${file} names the issuer ${kept.issuer}, which is not an http://127.0.0.1:PORT URL`);
  }
  const port = choosePort(endpoint, env.DEV_IDP_PORT, kept?.issuer);
  const idp = await listenOrExplain(endpoint, port, kept !== undefined, (p) =>
    startDevIdp({ port: p, signingKeys: kept?.signingKeys }),
  );
  if (!kept) {
    try {
      await writeDevIdentity(dataDir, { issuer: idp.issuer, signingKeys: await idp.exportSigningKeys() });
    } catch (err) {
      await idp.close();
      throw new StartupProblem(`cannot keep the development identity in ${file}: ${(err as Error).message}`);
    }
  }
  return idp;
}

function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1' && parsed.pathname === '/';
}
