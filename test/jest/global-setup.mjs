// One embedded Postgres for the whole jest run (or DATABASE_URL as the admin connection), with a migrated template
// database that each test file clones. The TypeScript lives in the store package; tsx loads it here.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup(globalConfig) {
  const { startTestCluster } = await tsImport('../../packages/store/src/test-support/test-cluster.ts', import.meta.url);
  await startTestCluster({ rootDir: globalConfig.rootDir, databaseUrl: process.env.DATABASE_URL || undefined });
}
