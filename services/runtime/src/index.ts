export * from './service';
// The question routes the runtime's own dispatcher serves: the OpenAPI contract test checks they are all described.
export { QUESTION_ROUTES } from './http/question-routes';
// The caching document source on its own, for the benchmark's heap-per-document measurement.
export { createCachingSource } from './document-source/caching-source';
export type { SubjectEntry, DocumentSource } from './document-source/types';
