import path from 'node:path';
import type { Config } from '@permissions/config';
import { REPO_ROOT } from './data-dir';
import type { PreparedEnvironment } from './environment';

/**
 * What a newcomer needs after `pnpm start`: where everything is, who the development users are (their principals),
 * how to get a token, and a first request to paste. Plain text on stdout, whatever the log format.
 */
export function welcomeText(options: {
  baseUrls: Record<string, string>;
  prepared: PreparedEnvironment;
  config: Config;
}): string {
  const { baseUrls, prepared, config } = options;
  const first = Object.values(baseUrls)[0];
  const maintenance = baseUrls.maintenance ?? first;
  const runtime = baseUrls.runtime ?? first;
  const principals = new Map(prepared.devIdp?.users.map((u) => [u.principal, u.username]));
  const governors = config.bootstrapGovernors.map((g) => principals.get(g) ?? g);
  const lines = ['', 'Permissions is running:'];
  for (const [name, url] of Object.entries(baseUrls)) lines.push(`  ${pad(name === 'all' ? 'services' : name)}${url}`);
  lines.push(`  ${pad('explorer')}${maintenance}/explorer`);
  lines.push(
    `  ${pad('database')}${prepared.embeddedPostgres ? 'embedded PostgreSQL' : 'DATABASE_URL'}`,
    `  ${pad('data kept in')}${prepared.dataDir}`,
    `  ${pad('issuers')}${config.authIssuers.join(', ')}${prepared.devIdp ? ' (development identity provider)' : ''}`,
    `  ${pad('governors of /')}${governors.join(', ') || '(none)'}`,
  );
  if (prepared.legacy) {
    lines.push(`  ${pad('legacy RBAC')}${prepared.legacy.url} (stand-in; orgs ${prepared.legacy.orgs.join(', ')})`);
  }
  if (prepared.devIdp) {
    const alice = prepared.devIdp.users.find((u) => u.username === 'alice') ?? prepared.devIdp.users[0];
    const token = `${dataDirPrefix(prepared.dataDir)}pnpm -s token`;
    lines.push('', 'Development users, and their principals ({issuer}#{sub}, the same at every start):');
    for (const user of prepared.devIdp.users) lines.push(`  ${user.username.padEnd(6)} ${user.principal}`);
    lines.push(
      '',
      `A token for a user (valid one hour): \`${token} NAME\` prints it and nothing else. Try:`,
      '',
      `  TOKEN=$(${token} ${alice.username})`,
      `  curl -H "Authorization: Bearer $TOKEN" '${maintenance}/az-permissions?/'`,
      `  curl -H "Authorization: Bearer $TOKEN" '${runtime}/az-is-allowed?resource=/&action=read&user=${alice.principal.replace('#', '%23')}'`,
      '',
      'In a query string, the # of a principal is written %23. The README walks on from here.',
    );
  }
  lines.push('Ctrl-C stops everything.', '');
  return lines.join('\n');
}

function pad(label: string): string {
  return label.padEnd(16);
}

/** `DATA_DIR=… ` when the data directory is not the default one, so that the printed command finds it. */
function dataDirPrefix(dataDir: string): string {
  if (dataDir === path.join(REPO_ROOT, '.data')) return '';
  return /^[\w./:-]+$/.test(dataDir) ? `DATA_DIR=${dataDir} ` : `DATA_DIR='${dataDir.replace(/'/g, `'\\''`)}' `;
}
