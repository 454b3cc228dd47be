import { rootDocument } from '@permissions/model';
import { ConflictError, type Store } from '@permissions/store';
import type { Logger } from '@permissions/http-kit';

/**
 * Creates `/` when it does not exist yet, governed by BOOTSTRAP_GOVERNORS (CONTRACT §4.1). An existing `/` is never
 * changed: after the first start, governors maintain it through the API.
 */
export async function seedRootDocument(store: Store, governors: string[], log: Logger): Promise<void> {
  if (await store.getDocument('/')) return;
  if (governors.length === 0) {
    log.error('BOOTSTRAP_GOVERNORS is empty: the root document / is not created, so nothing can be created yet');
    return;
  }
  try {
    await store.write((tx) => tx.createDocument(rootDocument(governors)));
    log.info({ governors }, 'root document / created');
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err; // another process seeded it first
  }
}
