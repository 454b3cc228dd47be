/**
 * Runs the development identity provider alone: `IDP_PORT=3299 tsx packages/dev-stand-ins/src/idp/main.ts`. Prints the issuer to put
 * in AUTH_ISSUERS, the sample users and a token for each, so the services can be tried with curl.
 */
import { DEFAULT_CLIENT, DEFAULT_IDP_PORT } from './fixtures';
import { startDevIdp } from './dev-idp';

async function main() {
  const port = Number(process.env.IDP_PORT ?? DEFAULT_IDP_PORT);
  const idp = await startDevIdp({ port, host: process.env.IDP_HOST ?? '127.0.0.1' });
  const client = DEFAULT_CLIENT;
  const lines = [
    `development identity provider: ${idp.issuer}`,
    `  AUTH_ISSUERS=${idp.issuer}`,
    `  PERMISSIONS_CLIENT_ID=${client.clientId} PERMISSIONS_CLIENT_SECRET=${client.secret}`,
    `  get a token: curl -s -d grant_type=password -d username=alice -d password=alice ${idp.issuer}/oauth/token`,
    '',
  ];
  for (const user of idp.users) {
    lines.push(`${user.username} (${user.email}) principal ${idp.principalOf(user.username)}`);
    lines.push(`  token (1 h): ${await idp.tokenFor(user.username)}`);
  }
  lines.push(`client ${client.clientId} principal ${idp.issuer}#${client.clientId}`);
  lines.push(`  token (1 h): ${await idp.clientToken(client.clientId)}`);
  console.log(lines.join('\n'));

  const stop = () => void idp.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
