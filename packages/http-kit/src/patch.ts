import { applyPatch, type Operation, getValueByPointer } from 'fast-json-patch';
import * as mergePatch from 'json-merge-patch';
import { BadRequestError, assertSafeJson } from '@permissions/model';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

/**
 * Applies a PATCH body according to its content type (reference §4): RFC 7386 merge patch or RFC 6902 JSON patch,
 * with the original's two JSON-patch leniencies (adding to `/arr/-` creates a missing array; removing a missing
 * path does nothing). Any other content type is a 400. Never mutates `target`.
 */
export function applyPatchBody(contentType: string | undefined, target: object, patch: unknown): object {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type === undefined || type === '') throw new BadRequestError('PATCH headers missing content-type for patch');
  if (type !== MERGE && type !== JSON_PATCH) {
    throw new BadRequestError(`unknown PATCH content-type: ${type} (use ${MERGE} or ${JSON_PATCH})`);
  }
  // Both patch libraries recurse and skip or trip on reserved names: refuse what they cannot apply as written.
  assertSafeJson(patch, 'the PATCH body');
  if (type === MERGE) {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw new BadRequestError('a merge patch must be a JSON object');
    }
    return mergePatch.apply(structuredClone(target), patch) as object;
  }
  return applyJsonPatch(target, patch);
}

function applyJsonPatch(target: object, patch: unknown): object {
  if (!Array.isArray(patch)) throw new BadRequestError('a JSON patch must be an array of operations');
  const document = structuredClone(target);
  const operations: Operation[] = [];
  for (const op of patch as unknown[]) {
    if (op === null || typeof op !== 'object' || typeof (op as { path?: unknown }).path !== 'string') {
      throw new BadRequestError('each JSON patch operation must be an object with a string path');
    }
    const operation = op as Operation;
    if (operation.op === 'remove' && !exists(document, operation.path)) continue;
    if (operation.op === 'add' && operation.path.endsWith('/-')) {
      const arrayPath = operation.path.slice(0, -2);
      if (!exists(document, arrayPath)) operations.push({ op: 'add', path: arrayPath, value: [] });
    }
    operations.push(operation);
  }
  try {
    return applyPatch(document, operations, true, true).newDocument as object;
  } catch (err) {
    throw new BadRequestError(`invalid JSON patch: ${(err as Error).message.split('\n')[0]}`);
  }
}

function exists(document: object, pointer: string): boolean {
  try {
    return getValueByPointer(document, pointer) !== undefined;
  } catch {
    return false;
  }
}
