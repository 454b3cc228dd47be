/** Where the jest global setup leaves the test cluster for the workers (environment variables survive the fork). */
export const TEST_ENV = {
  adminUrl: 'PERMISSIONS_TEST_ADMIN_URL',
  template: 'PERMISSIONS_TEST_TEMPLATE',
  runId: 'PERMISSIONS_TEST_RUN_ID',
} as const;

/** The same server and credentials as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function requireTestEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run tests through jest, whose global setup (test/jest) starts the database`);
  }
  return value;
}
