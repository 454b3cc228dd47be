import { isActionMapProperty, PERMISSIONS_HEIRS, SELF } from './action-maps';
import { principalsToNormalise } from './document-principals';
import { assertDocumentSize } from './document-size';
import { BadRequestError } from './errors';
import { assertSafeJson } from './safe-json';
import { copyJson, isPlainObject, isStringArray, ownValue, setOwn, unique, type PlainObject } from './plain-data';
import type { ActionMap, Constraints, PermissionsDocument } from './types';
import {
  assertPrincipalCount,
  assertPrincipalLength,
  assertSubjectLength,
  MAX_PARENTS_PER_DOCUMENT,
} from './write-bounds';

/**
 * The boundary check for a permissions document, on create and on the result of a PATCH (reference §3.1, §7.1):
 * either the whole normalised document is returned or a BadRequestError is thrown, so nothing partial is stored
 * (B25). The input is never modified.
 *
 * Decisions beyond the reference:
 * - `_inheritsPermissionsOf: []` counts as "no inheritance" (governor rule applies) and is kept as `[]`.
 * - `_constraints` members other than `validIssuers`/`wideningForbidden` are rejected: a misspelt
 *   `wideningForbiden` silently ignored would widen access.
 * - `_`-members the model does not know (e.g. `_links`) are kept as data; the engine never reads them as grants.
 * - Principal syntax is not checked here (e-mail → id normalisation does that, see `principalsToNormalise`).
 */
export function validateDocument(input: unknown): PermissionsDocument {
  if (!isPlainObject(input)) throw new BadRequestError('invalid JSON: a permissions document must be a JSON object');
  assertSafeJson(input, 'the permissions document');
  const subject = validateSubject(input);
  const doc: PlainObject = {};
  for (const [property, value] of Object.entries(input)) {
    if (property === '_metadata') continue; // server-maintained; client values are discarded (reference §7.1 step 5)
    setOwn(doc, property, normaliseMember(subject, property, value));
  }
  const parents = doc._inheritsPermissionsOf as string[] | undefined;
  const self = doc._self as ActionMap | undefined;
  const governors = self === undefined ? [] : (self.govern ?? []);
  if ((parents === undefined || parents.length === 0) && governors.length === 0) {
    throw new BadRequestError(`permissions for ${subject} must specify inheritance or at least one governor`);
  }
  if (self !== undefined && self.admin === undefined && self.govern !== undefined) {
    self.admin = [...self.govern]; // a copy: a later change to one list must not change the other
  }
  assertDocumentSize(doc, `permissions document for ${subject}`);
  assertPrincipalBounds(doc as PermissionsDocument);
  return doc as PermissionsDocument;
}

/** Each principal fits an index row, and a document names a bounded number of them (CONTRACT §4.10). */
function assertPrincipalBounds(doc: PermissionsDocument): void {
  const principals = principalsToNormalise(doc);
  for (const principal of principals) assertPrincipalLength(principal, `the permissions of ${doc._subject}`);
  assertPrincipalCount(principals.length, `the permissions document for ${doc._subject}`);
}

function validateSubject(input: PlainObject): string {
  const subject = ownValue(input, '_subject');
  if (subject === undefined || subject === null) {
    throw new BadRequestError('invalid JSON: "_subject" property not set');
  }
  if (typeof subject !== 'string' || subject === '') {
    throw new BadRequestError('invalid JSON: "_subject" property must be a non-empty string');
  }
  assertSubjectLength(subject, '"_subject"');
  return subject;
}

function normaliseMember(subject: string, property: string, value: unknown): unknown {
  if (property === '_subject') return value;
  if (property === '_inheritsPermissionsOf') return normaliseParents(subject, value);
  if (property === '_constraints') return normaliseConstraints(value);
  if (property === SELF || property === PERMISSIONS_HEIRS) return normaliseActionMap(property, value);
  // Custom properties: an object is an action map, anything else (`"test-data": true`, arrays) is opaque data.
  if (isActionMapProperty(property) && isPlainObject(value)) return normaliseActionMap(property, value);
  return copyJson(value);
}

function normaliseParents(subject: string, value: unknown): string[] {
  const parents = typeof value === 'string' ? [value] : value;
  if (!isStringArray(parents) || parents.some((parent) => parent === '')) {
    throw new BadRequestError(
      'invalid JSON: "_inheritsPermissionsOf" must be a non-empty string or an array of non-empty strings',
    );
  }
  if (parents.includes(subject)) {
    throw new BadRequestError('may not inherit permissions from self', { subject });
  }
  const distinct = unique(parents);
  if (distinct.length > MAX_PARENTS_PER_DOCUMENT) {
    throw new BadRequestError(
      `"_inheritsPermissionsOf" names ${distinct.length} parents, more than the limit of ${MAX_PARENTS_PER_DOCUMENT}`,
      { limit: MAX_PARENTS_PER_DOCUMENT, count: distinct.length },
    );
  }
  for (const parent of distinct) assertSubjectLength(parent, 'a parent in "_inheritsPermissionsOf"');
  return distinct;
}

function normaliseActionMap(property: string, value: unknown): ActionMap {
  if (!isPlainObject(value)) {
    throw new BadRequestError(`invalid JSON: "${property}" must be an object mapping actions to arrays of principals`);
  }
  const map: ActionMap = {};
  for (const [action, principals] of Object.entries(value)) {
    if (!isStringArray(principals)) {
      throw new BadRequestError(`invalid JSON: "${property}.${action}" must be an array of strings (principals)`);
    }
    setOwn(map, action, unique(principals));
  }
  return map;
}

function normaliseConstraints(value: unknown): Constraints {
  if (!isPlainObject(value)) throw new BadRequestError('invalid JSON: "_constraints" must be an object');
  const constraints: Constraints = {};
  for (const [name, member] of Object.entries(value)) {
    if (name === 'validIssuers') {
      if (!isStringArray(member)) {
        throw new BadRequestError('invalid JSON: "_constraints.validIssuers" must be an array of strings');
      }
      for (const issuer of member) assertSubjectLength(issuer, 'an issuer in "_constraints.validIssuers"');
      constraints.validIssuers = unique(member);
    } else if (name === 'wideningForbidden') {
      if (typeof member !== 'boolean') {
        throw new BadRequestError('invalid JSON: "_constraints.wideningForbidden" must be a boolean');
      }
      constraints.wideningForbidden = member;
    } else {
      throw new BadRequestError(
        `invalid JSON: unknown constraint "_constraints.${name}" (allowed: validIssuers, wideningForbidden)`,
      );
    }
  }
  return constraints;
}
