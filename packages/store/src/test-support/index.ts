/** Test-only helpers, imported by path ('@permissions/store/test-support'); never loaded by product code. */
export { createTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
export { describeStoreConformance, CONFORMANCE_CATEGORIES } from './store-conformance';
export type { ConformanceCategory, StoreConformanceOptions } from './store-conformance';
export { createRawReads } from './raw-reads';
export type { RawReads } from './raw-reads';
export { explainChecked, HOT_QUERIES } from './explain-checked';
export type { ExplainChecked, HotQueryName, PlanSummary } from './explain-checked';
