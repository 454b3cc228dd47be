export * from './service';
export { legacyOrgOf, type LegacyOrgRef } from './legacy-resource';
export { createMigrationTrigger, type MigrationTrigger, type LocalMigration } from './migration-trigger';
export type { ImportSummary } from './org-import';
