export * from './authorizer';
export * from './prepare-document';
export * from './write-checks';
export * from './bulk-plan';
export * from './removal-plan';
