// Stops the test run's Postgres and removes its data directory (see global-setup.mjs).
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { stopTestCluster } = await tsImport('../../packages/store/src/test-support/test-cluster.ts', import.meta.url);
  await stopTestCluster();
}
