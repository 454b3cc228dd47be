import type { Caller, DocumentLookup, PermissionsDocument, Roles, Team } from '../src';

export const ISS = 'https://login.example.com';
export const OTHER_ISS = 'https://other.example.org';
export const ALICE = `${ISS}#alice`;
export const BOB = `${ISS}#bob`;
export const MALLORY = `${OTHER_ISS}#mallory`;
export const TEAM = '/az-tm-red-fox-0123456789abcdef01234567';

export function caller(principal: string | null, teams: string[] = []): Caller {
  return { principal, teams };
}

/** A lookup over plain documents keyed by subject; subjects not listed have no document. */
export function lookupOf(...docs: PermissionsDocument[]): DocumentLookup {
  const bySubject = new Map(docs.map((doc) => [doc._subject, doc]));
  return (subject) => bySubject.get(subject);
}

/** The document as the server stores it: with its incarnation and, for a namespace, the namespace mark. */
export function stored(doc: PermissionsDocument, incarnation: number, options: { namespace?: boolean } = {}) {
  return {
    ...doc,
    _metadata: { sharedWith: [], incarnation, ...(options.namespace ? { namespace: true as const } : {}) },
  };
}

/** A team whose roles were granted on the given incarnations of their bases' documents. */
export function boundTeam(members: string[], roles: Roles, grantedOn: Record<string, number>): Team {
  return { isA: 'Team', members, roles, rolesGrantedOn: grantedOn };
}
