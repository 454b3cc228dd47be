/**
 * NDJSON import and export of permissions documents (CONTRACT §5), behind `pnpm permissions import` / `export`: the
 * import streams a file of any size through `POST /az-permissions-bulk` in chunks, resumably; the export writes what
 * the caller may read in the same format. Transport (`BulkApi`, usually `clientBulkApi`) and display
 * (`onProgress`) are passed in.
 */
export { clientBulkApi, type BulkApi, type BulkItemError } from './bulk-api';
export { importNdjson, ImportRefused, type ImportOptions, type ImportResult, type ImportStatus } from './ndjson-import';
export { exportNdjson, type ExportOptions } from './ndjson-export';
export { ndjsonLines, type NdjsonLine } from './ndjson-lines';
export { readProgress, type ImportProgress } from './progress-file';
