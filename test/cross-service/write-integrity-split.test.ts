import type { ServiceProcess } from '@permissions/test-support/harness';
import { startCluster, type Cluster, type User } from './support';
import { describeRaces, describeSquatsAndRepair, describeTeamMembership, type Targets } from './write-integrity';

/**
 * Write integrity in split mode, with TWO maintenance processes over one database: each race sends its two
 * requests to different processes, so nothing but the database can order them (write-integrity.ts).
 */
let cluster: Cluster;
const processes: Record<'m1' | 'm2' | 'teams' | 'runtime', ServiceProcess> = {} as never;
const tokens = {} as Record<User, string>;

beforeAll(async () => {
  cluster = await startCluster();
  processes.m1 = await cluster.start('maintenance');
  processes.m2 = await cluster.start('maintenance');
  processes.teams = await cluster.start('teams', { MAINTENANCE_URL: processes.m1.url });
  processes.runtime = await cluster.start('runtime', {
    MAINTENANCE_URL: processes.m1.url,
    TEAMS_URL: processes.teams.url,
  });
  for (const who of ['alice', 'bob', 'carol', 'dave'] as const) tokens[who] = await cluster.token(who);
}, 120_000);
afterAll(async () => cluster?.close());

const targets = (): Targets => ({
  maintenance: [processes.m1.url, processes.m2.url],
  teams: processes.teams.url,
  runtime: processes.runtime.url,
  issuer: cluster.idp.issuer,
  pool: cluster.db.pool,
  principal: (who) => cluster.principal(who),
  token: (who) => tokens[who],
});

describeRaces(targets);
describeSquatsAndRepair(targets);
describeTeamMembership(targets);
