export * from './stack';
export * from './processes';
export * from './per-file-stack';
