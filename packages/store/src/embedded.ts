/**
 * Entry point for launchers and the jest global setup: these load ESM-only packages, so they are not exported from
 * the package index (which CommonJS test files import).
 */
export { startEmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgresOptions, EmbeddedPostgresServer } from './embedded-postgres';
export { migrate, MIGRATIONS_DIR } from './migrate';
export type { MigrateOptions } from './migrate';
