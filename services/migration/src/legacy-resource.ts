// The rule lives in the model: maintenance and teams refuse documents under a legacy org that is not migrated yet.
export { legacyOrgOf, type LegacyOrgRef } from '@permissions/model';
