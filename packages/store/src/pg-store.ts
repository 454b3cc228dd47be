import * as batchReads from './batch-reads';
import * as batches from './batch-writes';
import { appendEvent } from './event-log';
import * as documents from './document-writes';
import type { Pool, PoolClient, Queryable } from './pool';
import { createReader } from './reader';
import * as teams from './team-writes';
import { withTransaction } from './transaction';
import * as locks from './write-locks';
import { isRetryable, MAX_WRITE_ATTEMPTS, pause, translateCommitError } from './write-failures';
import type { EventRecord, Store, StoreTx, WriteResult } from './types';

export interface PgStoreOptions {
  /** Where a failing onCommit hook is reported; the write it follows has committed and stays successful. */
  onHookError?: (error: unknown) => void;
}

/**
 * The Postgres store. It does not own `pool` (the caller ends it). Every mutation writes its row and appends its event
 * in the same transaction; hooks learn about the events only after COMMIT, so nobody is told of a write that rolls back,
 * and the write resolves once they have settled (the broadcast that lets runtimes drop what changed).
 */
export function createPgStore(pool: Pool, options: PgStoreOptions = {}): Store {
  const hooks: Array<(events: EventRecord[]) => void | Promise<void>> = [];
  const onHookError = options.onHookError ?? ((error) => console.error('store onCommit hook failed', error));

  async function notify(events: EventRecord[]): Promise<void> {
    await Promise.all(
      hooks.map(async (hook) => {
        try {
          await hook(events);
        } catch (error) {
          onHookError(error);
        }
      }),
    );
  }

  return {
    ...createReader(pool),

    async write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<WriteResult<T>> {
      for (let attempt = 1; ; attempt++) {
        const appended: EventRecord[] = [];
        let finished = false;
        let result: T;
        try {
          result = await withTransaction(pool, async (client) => {
            try {
              return await fn(createTx(client, appended, () => finished));
            } finally {
              finished = true;
            }
          });
        } catch (error) {
          if (isRetryable(error) && attempt < MAX_WRITE_ATTEMPTS) {
            await pause(attempt);
            continue;
          }
          throw translateCommitError(error);
        }
        // Parallel mutations inside fn may finish out of seq order.
        const events = appended.sort((a, b) => a.seq - b.seq);
        if (events.length > 0) await notify(events);
        return { result, seq: events.at(-1)?.seq ?? null, events };
      }
    },

    onCommit(hook) {
      hooks.push(hook);
    },
  };
}

function createTx(client: PoolClient, appended: EventRecord[], isFinished: () => boolean): StoreTx {
  // A tx kept past the end of its write() would run on a connection already back in the pool.
  const db: Queryable = {
    async query(text, values) {
      if (isFinished()) throw new Error('store transaction used after its write() finished');
      return client.query(text, values);
    },
  };
  async function record(event: Parameters<typeof appendEvent>[1]): Promise<EventRecord> {
    const written = await appendEvent(db, event);
    appended.push(written);
    return written;
  }

  return {
    ...createReader(db),
    getDocumentForUpdate: (subject) => documents.getDocumentForUpdate(db, subject),

    async createDocument(document) {
      const seq = await documents.insertDocument(db, document);
      await record({ seq, topic: 'permissions', action: 'create', subject: document._subject });
      return seq;
    },

    async updateDocument(document, expectedSeq) {
      const seq = await documents.updateDocument(db, document, expectedSeq);
      await record({ seq, topic: 'permissions', action: 'update', subject: document._subject });
      return seq;
    },

    async deleteDocument(subject, expectedSeq) {
      const deleted = await documents.deleteDocument(db, subject, expectedSeq);
      const event = await record({ seq: null, topic: 'permissions', action: 'delete', subject });
      return { deleted, seq: event.seq };
    },

    getTeamForUpdate: (id) => teams.getTeamForUpdate(db, id),
    lockDocumentsWithAncestors: (subjects) => locks.lockDocumentsWithAncestors(db, subjects),
    lockDocumentsForUpdate: (subjects) => locks.lockDocumentsForUpdate(db, subjects),
    lockTeamsOfPrincipal: (principal) => locks.lockTeamsOfPrincipal(db, principal),
    getTeamMembers: (ids) => locks.getTeamMembers(db, ids),
    countTeamsOfPrincipals: (principals) => locks.countTeamsOfPrincipals(db, principals),
    getHeirsDepth: (subject, limit) => locks.getHeirsDepth(db, subject, limit),
    getHeirsDepths: (subjects, limit) => batchReads.getHeirsDepths(db, subjects, limit),
    getSubjectsNamingPrincipal: (principal, limit) => batchReads.getSubjectsNamingPrincipal(db, principal, limit),
    lockTeamsForUpdate: (ids) => batchReads.lockTeamsForUpdate(db, ids),

    async createDocuments(list) {
      const events = await batches.insertDocuments(db, list);
      appended.push(...events);
      return events;
    },

    async updateDocuments(updates) {
      const events = await batches.updateDocuments(db, updates);
      appended.push(...events);
      return events;
    },

    async updateTeams(updates) {
      const events = await batches.updateTeams(db, updates);
      appended.push(...events);
      return events;
    },

    async createTeam(id, team) {
      const { seq, members } = await teams.insertTeam(db, id, team);
      await record({ seq, topic: 'teams', action: 'create', subject: id, members });
      return seq;
    },

    async updateTeam(id, team, expectedSeq) {
      const { seq, members } = await teams.updateTeam(db, id, team, expectedSeq);
      await record({ seq, topic: 'teams', action: 'update', subject: id, members });
      return seq;
    },

    async deleteTeam(id, expectedSeq) {
      const deleted = await teams.deleteTeam(db, id, expectedSeq);
      const members = teams.unionSorted(teams.membersOf(deleted.team), []);
      const event = await record({ seq: null, topic: 'teams', action: 'delete', subject: id, members });
      return { deleted, seq: event.seq };
    },
  };
}
