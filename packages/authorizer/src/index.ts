export * from './authorizer';
export * from './prepare-document';
export * from './write-checks';
