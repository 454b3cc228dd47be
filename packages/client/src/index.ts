export { createPermissionsClient, type PermissionsClient } from './client';
export type { ClientOptions, RetryOptions, ServiceName } from './http-core';
export type { Evidence, Question, IsAllowedDetails } from './questions';
export type { StreamOptions } from './streams';
export type { BulkRefusal } from './lifecycle';
export * from './errors';
export * from './transport';
export * from './types';
