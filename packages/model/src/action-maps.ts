import { isPlainObject, ownValue } from './plain-data';
import type { ActionMap, PermissionsDocument } from './types';

/** The default property of every question: the resource itself. */
export const SELF = '_self';
export const PERMISSIONS_HEIRS = '_permissionsHeirs';

/**
 * Properties that hold action maps: `_self`, `_permissionsHeirs` and every property not starting with `_`.
 * Other `_` members (`_metadata`, `_constraints`, unknown ones kept as data) are never read as grants, so a question
 * about `property=_metadata&action=sharedWith` cannot turn the sharedWith list into permissions.
 */
export function isActionMapProperty(property: string): boolean {
  return property === SELF || property === PERMISSIONS_HEIRS || !property.startsWith('_');
}

/** The action map of `property`, or `undefined` when the document has none (or holds plain data there). */
export function actionMapOf(doc: PermissionsDocument, property: string): ActionMap | undefined {
  if (!isActionMapProperty(property)) return undefined;
  const map = ownValue(doc, property);
  return isPlainObject(map) ? (map as ActionMap) : undefined;
}

/**
 * The principals listed for `property`/`action`. Stored documents were validated, but cached or legacy data may
 * not be: anything that is not an array yields `[]` and non-string entries are ignored, so evaluation never throws.
 */
export function actionList(doc: PermissionsDocument, property: string, action: string): string[] {
  const map = actionMapOf(doc, property);
  if (map === undefined) return [];
  const list = ownValue(map, action);
  return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** Every action map of a document with its property name, in document order. */
export function actionMapsOf(doc: PermissionsDocument): Array<[property: string, map: ActionMap]> {
  const maps: Array<[string, ActionMap]> = [];
  for (const property of Object.keys(doc)) {
    const map = actionMapOf(doc, property);
    if (map !== undefined) maps.push([property, map]);
  }
  return maps;
}

/** Parents of a document; tolerant of unvalidated data for the same reason as `actionList`. */
export function parentsOf(doc: PermissionsDocument): string[] {
  const parents = ownValue(doc, '_inheritsPermissionsOf');
  if (typeof parents === 'string') return [parents];
  return Array.isArray(parents) ? parents.filter((entry): entry is string => typeof entry === 'string') : [];
}
