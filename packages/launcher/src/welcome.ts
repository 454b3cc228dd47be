import type { Config } from '@permissions/config';
import type { PreparedEnvironment } from './environment';

/** Tells a newcomer where everything is and gives a ready-to-paste request. */
export async function printWelcome(options: {
  baseUrls: Record<string, string>;
  devIdp: PreparedEnvironment['devIdp'];
  config: Config;
}): Promise<void> {
  const { baseUrls, devIdp, config } = options;
  const first = Object.values(baseUrls)[0];
  const lines = ['', 'Permissions services are up:'];
  for (const [name, url] of Object.entries(baseUrls)) lines.push(`  ${name.padEnd(12)} ${url}`);
  lines.push(`  explorer     ${baseUrls.maintenance ?? first}/explorer`);
  lines.push(`  issuers      ${config.authIssuers.join(', ')}`);
  lines.push(`  governors    ${config.bootstrapGovernors.join(', ') || '(none)'}`);
  if (devIdp) {
    const token = await devIdp.tokenFor('alice');
    const runtime = baseUrls.runtime ?? first;
    const maintenance = baseUrls.maintenance ?? first;
    lines.push(
      '',
      'Development identity provider: users alice, bob, carol, dave (password = user name).',
      `A token for alice (valid one hour; more from ${devIdp.issuer}/oauth/token with grant_type=password):`,
      '',
      `  TOKEN=${token}`,
      `  curl -H "Authorization: Bearer $TOKEN" '${maintenance}/az-permissions?/'`,
      `  curl -H "Authorization: Bearer $TOKEN" '${runtime}/az-is-allowed?resource=/&action=read&user=${encodeURIComponent(devIdp.principal)}'`,
    );
  }
  lines.push('', 'Ctrl-C stops everything.', '');
  process.stdout.write(lines.join('\n'));
}
