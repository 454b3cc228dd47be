import { getDocumentsWithAncestors } from './ancestors';
import { getNamespaces, getSubjectsAtOrUnder, getTeamsWithRolesOn } from './authority-reads';
import {
  getDocument,
  getHeirDocuments,
  getHeirs,
  getSubjectsSharedWith,
  getSubjectsSharedWithAndHeirs,
  getTransitiveHeirs,
} from './document-reads';
import { getEventsAfter, getLastSeq } from './event-log';
import type { Queryable } from './pool';
import { getTeam, getTeamsOfPrincipal, getTeamsOfPrincipalExcept } from './team-reads';
import type { StoreReader } from './types';

/** The read half of the store over a pool (autocommit reads) or a transaction's client (sees its own writes). */
export function createReader(db: Queryable): StoreReader {
  return {
    getDocument: (subject) => getDocument(db, subject),
    getDocumentsWithAncestors: (subjects) => getDocumentsWithAncestors(db, subjects),
    getHeirs: (subject) => getHeirs(db, subject),
    getHeirDocuments: (subject) => getHeirDocuments(db, subject),
    getTransitiveHeirs: (subject) => getTransitiveHeirs(db, subject),
    getSubjectsSharedWith: (principals) => getSubjectsSharedWith(db, principals),
    getSubjectsSharedWithAndHeirs: (principals) => getSubjectsSharedWithAndHeirs(db, principals),
    getTeam: (id) => getTeam(db, id),
    getTeamsOfPrincipal: (principal) => getTeamsOfPrincipal(db, principal),
    getTeamsOfPrincipalExcept: (principal, known) => getTeamsOfPrincipalExcept(db, principal, known),
    getTeamsWithRolesOn: (base) => getTeamsWithRolesOn(db, base),
    getSubjectsAtOrUnder: (root) => getSubjectsAtOrUnder(db, root),
    getNamespaces: (after, limit) => getNamespaces(db, after, limit),
    getEventsAfter: (afterSeq, limit) => getEventsAfter(db, afterSeq, limit),
    getLastSeq: () => getLastSeq(db),
  };
}
