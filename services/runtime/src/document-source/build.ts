import type { Metrics } from '@permissions/http-kit';
import type { StoreReader } from '@permissions/store';
import { createCachingSource } from './caching-source';
import { createMigratingLoader, type MigrationTrigger } from './migrating-loader';
import type { AncestorLoader, DocumentSource } from './types';

export interface DocumentSourceOptions {
  store: StoreReader;
  metrics: Metrics;
  maxDocuments: number;
  negativeTtlMs: number;
  migration?: MigrationTrigger;
}

/**
 * The one place the runtime's document chain is assembled, cheapest first: cache (with its single-flight and
 * fill guard) → migration trigger for legacy resources → the store's one-query ancestor load.
 */
export function buildDocumentSource(options: DocumentSourceOptions): DocumentSource {
  const storeLoader: AncestorLoader = (subjects) => options.store.getDocumentsWithAncestors(subjects);
  const loader = options.migration
    ? createMigratingLoader(storeLoader, options.migration, options.negativeTtlMs)
    : storeLoader;
  return createCachingSource(loader, {
    maxDocuments: options.maxDocuments,
    negativeTtlMs: options.negativeTtlMs,
    onLookup: (result) => options.metrics.cacheLookups.inc({ cache: 'documents', result }),
  });
}
