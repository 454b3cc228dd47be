import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../src/migrate';
import { createTestDatabase, type TestDatabase } from '../src/test-support';

/**
 * CONTRACT §4.8: every document's identity (its incarnation, the seq of its create) and its namespace mark are the
 * database's, set on insert and kept on every update whatever a writer sends; migration 1765100000000 gives existing
 * data both, and binds existing team roles to their bases' documents.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

async function metadataOf(subject: string): Promise<Record<string, unknown>> {
  const { rows } = await db.pool.query<{ seq: string; data: { _metadata: Record<string, unknown> } }>(
    'SELECT seq, data FROM permissions WHERE subject = $1',
    [subject],
  );
  return { ...rows[0].data._metadata, seq: Number(rows[0].seq) };
}

describe('the identity marks are kept by the database', () => {
  test('a create gets its seq as incarnation; a namespace mark is kept only when exactly true', async () => {
    const { result } = await db.store.write(async (tx) => [
      await tx.createDocument({ _subject: '/id/a', _metadata: { sharedWith: [], incarnation: 1, namespace: true } }),
      await tx.createDocument({ _subject: '/id/b', _metadata: { sharedWith: [] } }),
      await tx.createDocument({ _subject: '/id/c' }),
    ]);
    expect(await metadataOf('/id/a')).toEqual({
      sharedWith: [],
      incarnation: result[0],
      namespace: true,
      seq: result[0],
    });
    expect(await metadataOf('/id/b')).toEqual({ sharedWith: [], incarnation: result[1], seq: result[1] });
    expect(await metadataOf('/id/c')).toEqual({ incarnation: result[2], seq: result[2] });
  });

  test('an update keeps them whatever it sends: another value, none, or a namespace mark of its own', async () => {
    const { result: a } = await db.store.write((tx) =>
      tx.createDocument({ _subject: '/id/u', _metadata: { sharedWith: [], namespace: true } }),
    );
    await db.store.write((tx) =>
      tx.updateDocument({ _subject: '/id/u', _metadata: { sharedWith: ['x'], incarnation: 1 } }),
    );
    expect(await metadataOf('/id/u')).toMatchObject({ sharedWith: ['x'], incarnation: a, namespace: true });
    await db.store.write((tx) => tx.updateDocument({ _subject: '/id/u' }));
    expect(await metadataOf('/id/u')).toMatchObject({ incarnation: a, namespace: true });

    const { result: b } = await db.store.write((tx) => tx.createDocument({ _subject: '/id/v' }));
    await db.store.write((tx) =>
      tx.updateDocument({ _subject: '/id/v', _metadata: { sharedWith: [], namespace: true } }),
    );
    expect(await metadataOf('/id/v')).toEqual({ sharedWith: [], incarnation: b, seq: expect.any(Number) });
  });

  test('the same subject created again is another incarnation', async () => {
    const { result: first } = await db.store.write((tx) => tx.createDocument({ _subject: '/id/again' }));
    await db.store.write((tx) => tx.deleteDocument('/id/again'));
    const { result: second } = await db.store.write((tx) => tx.createDocument({ _subject: '/id/again' }));
    expect(second).toBeGreaterThan(first);
    expect((await metadataOf('/id/again')).incarnation).toBe(second);
  });
});

describe('migration 1765100000000 on existing data', () => {
  const file = readFileSync(path.join(MIGRATIONS_DIR, '1765100000000_authority.sql'), 'utf8');
  const [up, down] = file.split('-- Down Migration');
  const G = 'https://issuer.example#governor';
  const X = 'https://issuer.example#someone';

  test('incarnations for every document, namespaces as far as the data tells, roles bound to their bases', async () => {
    const other = await createTestDatabase();
    try {
      await other.pool.query(down);
      await other.pool.query(`
        DELETE FROM permissions;
        INSERT INTO permissions (subject, seq, data) VALUES
          ('/', 1, '{"_subject": "/", "_self": {"govern": ["${G}"]}}'),
          ('http://a.com/o', 2, '{"_subject": "http://a.com/o", "_metadata": {"creator": "${G}", "sharedWith": []}}'),
          ('http://a.com/o/x', 3, '{"_subject": "http://a.com/o/x", "_metadata": {"creator": "${G}", "sharedWith": []}}'),
          ('http://b.com', 4, '{"_subject": "http://b.com", "_metadata": {"creator": "${X}", "sharedWith": []}}'),
          ('http://legacy/v1/o/acme', 5, '{"_subject": "http://legacy/v1/o/acme", "_metadata": {"creator": "c"}}'),
          ('http://c.com/', 6, '{"_subject": "http://c.com/", "_metadata": {"creator": "${G}"}}'),
          ('/az-tm-a', 7, '{"_subject": "/az-tm-a", "_metadata": {"creator": "${G}"}}'),
          ('http://d.com', 8, '{"_subject": "http://d.com", "_metadata": "not an object"}');
        INSERT INTO permission_parents (subject, parent, position) VALUES ('http://a.com/o/x', 'http://a.com/o', 1);
        INSERT INTO migrations (org_url, finished_at) VALUES ('http://legacy/v1/o/acme', now());
        INSERT INTO teams (id, seq, data) VALUES
          ('/az-tm-a', 9, '{"isA": "Team", "members": [], "roles": {"http://a.com/o/": {"/": ["read"]}, "http://gone.com": {"/": ["read"]}}}'),
          ('/az-tm-b', 10, '{"isA": "Team", "members": [], "roles": "not roles"}');
      `);
      await other.pool.query(up);
      const { rows } = await other.pool.query<{ subject: string; data: { _metadata: unknown } }>(
        'SELECT subject, data FROM permissions ORDER BY seq',
      );
      expect(Object.fromEntries(rows.map((r) => [r.subject, r.data._metadata]))).toEqual({
        '/': { incarnation: 1 },
        'http://a.com/o': { creator: G, sharedWith: [], incarnation: 2, namespace: true },
        'http://a.com/o/x': { creator: G, sharedWith: [], incarnation: 3 },
        'http://b.com': { creator: X, sharedWith: [], incarnation: 4 },
        'http://legacy/v1/o/acme': { creator: 'c', incarnation: 5, namespace: true },
        'http://c.com/': { creator: G, incarnation: 6 },
        '/az-tm-a': { creator: G, incarnation: 7 },
        'http://d.com': { incarnation: 8 },
      });
      const teams = await other.pool.query<{ id: string; data: Record<string, unknown> }>(
        'SELECT id, data FROM teams ORDER BY id',
      );
      expect(teams.rows.map((t) => [t.id, t.data.rolesGrantedOn])).toEqual([
        ['/az-tm-a', { 'http://a.com/o': 2 }],
        ['/az-tm-b', undefined],
      ]);
      // The trigger is back: an update keeps the marks.
      await other.pool.query(
        `UPDATE permissions SET data = '{"_subject": "http://a.com/o"}' WHERE subject = 'http://a.com/o'`,
      );
      const kept = await other.pool.query(`SELECT data FROM permissions WHERE subject = 'http://a.com/o'`);
      expect(kept.rows[0].data._metadata).toEqual({ incarnation: 2, namespace: true });
    } finally {
      await other.drop();
    }
  });
});
