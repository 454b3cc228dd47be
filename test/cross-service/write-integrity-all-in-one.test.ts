import type { ServiceProcess } from '@permissions/test-support/harness';
import { startCluster, type Cluster, type User } from './support';
import {
  describeBounds,
  describeRaces,
  describeSquatsAndRepair,
  describeTeamMembership,
  type Targets,
} from './write-integrity';

/**
 * Write integrity against the all-in-one, started as its own process exactly as `pnpm start` runs it with
 * DATABASE_URL and AUTH_ISSUERS: races, squats, lock-outs, team membership and write bounds (write-integrity.ts).
 */
let cluster: Cluster;
let server: ServiceProcess;
const tokens = {} as Record<User, string>;

beforeAll(async () => {
  cluster = await startCluster();
  server = await cluster.start('all-in-one');
  for (const who of ['alice', 'bob', 'carol', 'dave'] as const) tokens[who] = await cluster.token(who);
}, 90_000);
afterAll(async () => cluster?.close());

const targets = (): Targets => ({
  maintenance: [server.url, server.url],
  teams: server.url,
  runtime: server.url,
  issuer: cluster.idp.issuer,
  pool: cluster.db.pool,
  principal: (who) => cluster.principal(who),
  token: (who) => tokens[who],
});

describeRaces(targets);
describeSquatsAndRepair(targets);
describeTeamMembership(targets);
describeBounds(targets);
