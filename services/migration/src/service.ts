import { Router } from 'express';
import type { Config, Logger, Service } from '@permissions/http-kit';
import type { Store } from '@permissions/store';

export interface MigrationDeps {
  store: Store;
  config: Config;
  log: Logger;
}

export function createMigrationService(_deps: MigrationDeps): Service {
  const router = Router();
  return { name: 'migration', router };
}
