export * from './service';
// The caching document source on its own, for the benchmark's heap-per-document measurement.
export { createCachingSource } from './document-source/caching-source';
export type { SubjectEntry, DocumentSource } from './document-source/types';
