export * from './stack';
export * from './processes';
export * from './per-file-stack';
export * from './legacy-stack';
export * from './document-tree';
export * from './openapi-responses';
