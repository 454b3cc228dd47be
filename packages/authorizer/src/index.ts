export * from './authorizer';
export * from './prepare-document';
