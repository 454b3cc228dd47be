export * from './stack';
export * from './processes';
