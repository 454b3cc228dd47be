export { startLegacyRbac, type LegacyFailure, type LegacyRbac, type LegacyRbacOptions } from './legacy-server';
export {
  defaultLegacyFixture,
  type LegacyFixture,
  type LegacyOrgFixture,
  type LegacyPermission,
  type LegacyRoleFixture,
} from './fixture';
export type { LegacyAuditRecord } from './legacy-state';
