import { NotFoundError } from './errors';
import type { HttpCore, Reply } from './http-core';
import { queryString } from './query-string';
import type { JsonPatchOperation, NamespacePage, Patch, PatchPreview, PermissionsDocument, Versioned } from './types';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

export function versioned<T>(reply: Reply<T>): Versioned<T> {
  const sequence = reply.header('x-event-sequence');
  return {
    value: reply.body,
    etag: reply.header('etag') ?? '',
    ...(sequence === undefined ? {} : { sequence: Number(sequence) }),
  };
}

/** A patch's media type: an array is a JSON patch, an object a merge patch. */
export function patchType(patch: Patch): string {
  return Array.isArray(patch) ? JSON_PATCH : MERGE;
}

const subjectQuery = (subject: string, extra: Record<string, string | boolean | undefined> = {}) =>
  queryString({ subject, ...extra });

/** Permissions documents (reference §7) and the hierarchy queries, with ETags. */
export function documentMethods(http: HttpCore) {
  const get = async (subject: string) =>
    versioned(
      await http.send<PermissionsDocument>('maintenance', 'GET', `/az-permissions${subjectQuery(subject)}`, {
        retryable: true,
      }),
    );

  const patch = async (subject: string, change: Patch, options: { etag: string }) =>
    versioned(
      await http.send<PermissionsDocument>('maintenance', 'PATCH', `/az-permissions${subjectQuery(subject)}`, {
        body: change,
        contentType: patchType(change),
        headers: { 'if-match': options.etag },
        // Conditional: if the first attempt was applied, a second one gets 412, never a double change.
        retryable: true,
      }),
    );

  const create = async (document: PermissionsDocument) =>
    versioned(
      await http.send<PermissionsDocument & { scopes?: string[] }>('maintenance', 'POST', '/az-permissions', {
        body: document,
        retryable: false,
      }),
    );

  return {
    /** The document and its ETag (pass it to `patchDocument`). */
    getDocument: get,
    createDocument: create,
    /** Merge patch (an object) or JSON patch (an array), sent with `If-Match: etag`. */
    patchDocument: patch,
    /**
     * Creates the document, or replaces the stored one with it (a JSON patch replacing the whole document, with
     * `If-Match` the ETag just read; a concurrent change makes it a PreconditionFailedError).
     */
    async putDocument(document: PermissionsDocument): Promise<Versioned<PermissionsDocument> & { created: boolean }> {
      let current: Versioned<PermissionsDocument>;
      try {
        current = await get(document._subject);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        return { ...(await create(document)), created: true };
      }
      const replace: JsonPatchOperation[] = [{ op: 'replace', path: '', value: document }];
      return { ...(await patch(document._subject, replace, { etag: current.etag })), created: false };
    },
    async deleteDocument(subject: string, options: { cascade?: boolean } = {}) {
      return versioned(
        await http.send<PermissionsDocument & { _cascaded?: string[]; _detached?: string[] }>(
          'maintenance',
          'DELETE',
          `/az-permissions${subjectQuery(subject, { cascade: options.cascade ? 'true' : undefined })}`,
          { retryable: true },
        ),
      );
    },
    /**
     * Validates a patch as `patchDocument` would and answers what it would change, storing nothing (CONTRACT §5 dry
     * run); `etag` is the version previewed: `patchDocument` with it makes exactly this change, or is refused.
     */
    async dryRunPatch(subject: string, change: Patch, options: { etag: string }): Promise<Versioned<PatchPreview>> {
      return versioned(
        await http.send<PatchPreview>(
          'maintenance',
          'PATCH',
          `/az-permissions${subjectQuery(subject, { dryRun: 'true' })}`,
          { body: change, contentType: patchType(change), headers: { 'if-match': options.etag }, retryable: true },
        ),
      );
    },
    heirs: async (subject: string) =>
      (
        await http.send<{ contents: string[] }>('maintenance', 'GET', `/az-permissions-heirs${subjectQuery(subject)}`, {
          retryable: true,
        })
      ).body.contents,
    heirsDetails: async (subject: string, properties: readonly string[]) =>
      (
        await http.send<{ contents: Array<Record<string, unknown>> }>(
          'maintenance',
          'GET',
          `/az-permissions-heirs-details${queryString({ resource: subject, property: properties })}`,
          { retryable: true },
        )
      ).body.contents,
    usersWhoCanAccess: async (subject: string, options: { expandTeams?: boolean } = {}) =>
      (
        await http.send<string[]>(
          'maintenance',
          'GET',
          `/az-users-who-can-access${subjectQuery(subject, { expand: options.expandTeams ? 'teams' : undefined })}`,
          { retryable: true },
        )
      ).body,
    resourcesSharedWith: async (user: string) =>
      (
        await http.send<string[]>('maintenance', 'GET', `/az-resources-shared-with${queryString({ user })}`, {
          retryable: true,
        })
      ).body,
    /** A page of the namespaces handed out under `/` (governors of `/` only); follow `next` as `cursor`. */
    namespaces: async (options: { limit?: number; cursor?: string } = {}) =>
      (
        await http.send<NamespacePage>('maintenance', 'GET', `/az-namespaces${queryString(options)}`, {
          retryable: true,
        })
      ).body,
    resourcesAccessibleByTeamMembers: async (team: string) =>
      (
        await http.send<{ contents: string[] }>(
          'maintenance',
          'GET',
          `/az-resources-accessible-by-team-members${queryString({ team })}`,
          { retryable: true },
        )
      ).body.contents,
  };
}
