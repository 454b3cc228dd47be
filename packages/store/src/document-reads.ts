import type { Queryable } from './pool';
import { toStoredDocument, type DocumentRow } from './rows';
import type { StoredDocument } from './types';

// Sorting uses the "C" collation so that results are ordered byte-wise whatever the database's default collation is.

export const DOCUMENT_SQL = `SELECT subject, seq, data FROM permissions WHERE subject = $1`;

export async function getDocument(db: Queryable, subject: string): Promise<StoredDocument | null> {
  const { rows } = await db.query<DocumentRow>(DOCUMENT_SQL, [subject]);
  return rows[0] ? toStoredDocument(rows[0]) : null;
}

/** Direct heirs, served by permission_parents_parent_idx. */
export const HEIRS_SQL = `
  SELECT subject FROM permission_parents WHERE parent = $1 ORDER BY subject COLLATE "C"`;

export async function getHeirs(db: Queryable, subject: string): Promise<string[]> {
  const { rows } = await db.query<{ subject: string }>(HEIRS_SQL, [subject]);
  return rows.map((row) => row.subject);
}

export const HEIR_DOCUMENTS_SQL = `
  SELECT p.subject, p.seq, p.data
  FROM permission_parents pp JOIN permissions p ON p.subject = pp.subject
  WHERE pp.parent = $1
  ORDER BY p.subject COLLATE "C"`;

export async function getHeirDocuments(db: Queryable, subject: string): Promise<StoredDocument[]> {
  const { rows } = await db.query<DocumentRow>(HEIR_DOCUMENTS_SQL, [subject]);
  return rows.map(toStoredDocument);
}

/** Served by permission_shared_with_principal_idx; `= ANY($1)` is a bind parameter, never spliced SQL (W10). */
export const SHARED_WITH_SQL = `
  SELECT DISTINCT subject COLLATE "C" AS subject FROM permission_shared_with
  WHERE principal = ANY($1::text[])
  ORDER BY 1`;

export async function getSubjectsSharedWith(db: Queryable, principals: string[]): Promise<string[]> {
  if (principals.length === 0) return [];
  const { rows } = await db.query<{ subject: string }>(SHARED_WITH_SQL, [principals]);
  return rows.map((row) => row.subject);
}

/** Walks down from the shared subjects through permission_parents_parent_idx; UNION stops on cycles. */
export const SHARED_WITH_AND_HEIRS_SQL = `
  WITH RECURSIVE reached (subject) AS (
    SELECT subject FROM permission_shared_with WHERE principal = ANY($1::text[])
    UNION
    SELECT pp.subject FROM permission_parents pp JOIN reached r ON pp.parent = r.subject
  )
  SELECT subject FROM reached ORDER BY subject COLLATE "C"`;

export async function getSubjectsSharedWithAndHeirs(db: Queryable, principals: string[]): Promise<string[]> {
  if (principals.length === 0) return [];
  const { rows } = await db.query<{ subject: string }>(SHARED_WITH_AND_HEIRS_SQL, [principals]);
  return rows.map((row) => row.subject);
}

/**
 * Heirs at any depth (heirs of heirs…), without the subject itself, sorted: one recursive walk down
 * permission_parents_parent_idx. UNION stops on cycles, and a cycle back to the subject does not list it.
 */
export const TRANSITIVE_HEIRS_SQL = `
  WITH RECURSIVE reached (subject) AS (
    SELECT subject FROM permission_parents WHERE parent = $1
    UNION
    SELECT pp.subject FROM permission_parents pp JOIN reached r ON pp.parent = r.subject
  )
  SELECT subject FROM reached WHERE subject <> $1 ORDER BY subject COLLATE "C"`;

export async function getTransitiveHeirs(db: Queryable, subject: string): Promise<string[]> {
  const { rows } = await db.query<{ subject: string }>(TRANSITIVE_HEIRS_SQL, [subject]);
  return rows.map((row) => row.subject);
}
