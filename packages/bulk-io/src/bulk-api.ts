import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  type BulkRefusal,
  type BulkResult,
  type PermissionsClient,
} from '@permissions/client';

/** What the import and export need of the services: the bulk route and a few reads. */
export interface BulkApi {
  /**
   * `POST /az-permissions-bulk`: 200 with the counts, or 400 naming every refused document (nothing stored). Any
   * other refusal is thrown.
   */
  bulk(documents: unknown[]): Promise<{ status: 200; body: BulkResult } | { status: 400; body: BulkRefusal }>;
  /** `GET /az-permissions?{subject}`: the document, or undefined when the caller may not read it (403/404). */
  document(subject: string): Promise<Record<string, unknown> | undefined>;
  /** `GET /az-permissions-heirs?{subject}`: the heirs the caller may know of ([] when he may know of none). */
  heirs(subject: string): Promise<string[]>;
  /** `GET /az-namespaces`, every page: [] unless the caller governs `/`. */
  namespaces(): Promise<string[]>;
  /** `GET /az-resources-shared-with?{principal}`. */
  sharedWith(principal: string): Promise<string[]>;
}

export type BulkItemError = NonNullable<BulkRefusal['errors']>[number];

function refusedToSee(error: unknown): boolean {
  return error instanceof ForbiddenError || error instanceof NotFoundError;
}

/**
 * The API through the typed client: its transport, token, routing by service and retries (a 503 or a network
 * failure is tried again: every call here is idempotent, the bulk write included).
 */
export function clientBulkApi(client: PermissionsClient): BulkApi {
  return {
    async bulk(documents) {
      try {
        return { status: 200, body: await client.bulk(documents as Parameters<PermissionsClient['bulk']>[0]) };
      } catch (error) {
        // Refused documents are answered for the import to sort out (some wait for parents); the request's own
        // refusals (its shape, a bound, throttling) are thrown as they are.
        if (error instanceof BadRequestError && Array.isArray((error.body as BulkRefusal | undefined)?.errors)) {
          return { status: 400, body: error.body as BulkRefusal };
        }
        throw error;
      }
    },
    async document(subject) {
      try {
        return (await client.getDocument(subject)).value;
      } catch (error) {
        if (refusedToSee(error)) return undefined;
        throw error;
      }
    },
    async heirs(subject) {
      try {
        return await client.heirs(subject);
      } catch (error) {
        if (refusedToSee(error)) return [];
        throw error;
      }
    },
    async namespaces() {
      const subjects: string[] = [];
      let cursor: string | undefined;
      try {
        do {
          const page = await client.namespaces({ limit: 1000, cursor });
          subjects.push(...page.namespaces.map((namespace) => namespace.subject));
          cursor = page.next ?? undefined;
        } while (cursor !== undefined);
      } catch (error) {
        if (error instanceof ForbiddenError) return [];
        throw error;
      }
      return subjects;
    },
    sharedWith: (principal) => client.resourcesSharedWith(principal),
  };
}
