import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../src/test-support';

/**
 * Migration 1765200000000 on data left by the old write path: documents naming parents that have no document lose
 * them (one left with neither parent nor governor inherits from `/`), each changed document gets a new seq and an
 * update event, and from then on no write can leave a dangling parent.
 */
const MIGRATION = path.resolve(__dirname, '..', 'migrations', '1765200000000_parents-exist.sql');
const [up] = readFileSync(MIGRATION, 'utf8').split('-- Down Migration');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

async function row(subject: string): Promise<{ seq: number; data: Record<string, unknown> } | undefined> {
  const { rows } = await db.pool.query<{ seq: string; data: Record<string, unknown> }>(
    'SELECT seq, data FROM permissions WHERE subject = $1',
    [subject],
  );
  return rows[0] ? { seq: Number(rows[0].seq), data: rows[0].data } : undefined;
}

async function parentRows(subject: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ parent: string }>(
    'SELECT parent FROM permission_parents WHERE subject = $1 ORDER BY position',
    [subject],
  );
  return rows.map((r) => r.parent);
}

test('dangling parents are removed, orphans inherit from /, and each change is an event', async () => {
  const governor = 'https://issuer.example#owner';
  // The schema as it was before the migration, with what the old write path could leave behind.
  await db.pool.query('ALTER TABLE permission_parents DROP CONSTRAINT permission_parents_parent_fkey');
  await db.store.write(async (tx) => {
    await tx.createDocument({ _subject: '/', _self: { govern: [governor] } });
    await tx.createDocument({ _subject: '/kept', _self: { govern: [governor] } });
    await tx.createDocument({ _subject: '/some', _inheritsPermissionsOf: ['/gone', '/kept'] });
    await tx.createDocument({ _subject: '/orphan', _inheritsPermissionsOf: ['/gone'] });
    await tx.createDocument({
      _subject: '/governed',
      _inheritsPermissionsOf: ['/gone'],
      _self: { govern: [governor] },
    });
    await tx.createDocument({ _subject: '/fine', _inheritsPermissionsOf: ['/kept'] });
  });
  const before = { fine: await row('/fine'), some: await row('/some') };
  const { rows: last } = await db.pool.query<{ max: string }>('SELECT max(seq) AS max FROM events');

  await db.pool.query(up);

  expect((await row('/some'))?.data._inheritsPermissionsOf).toEqual(['/kept']);
  expect(await parentRows('/some')).toEqual(['/kept']);
  expect((await row('/orphan'))?.data._inheritsPermissionsOf).toEqual(['/']);
  expect(await parentRows('/orphan')).toEqual(['/']);
  expect((await row('/governed'))?.data._inheritsPermissionsOf).toEqual([]);
  expect(await parentRows('/governed')).toEqual([]);
  expect(await row('/fine')).toEqual(before.fine);
  expect((await row('/some'))!.seq).toBeGreaterThan(before.some!.seq);

  const { rows: events } = await db.pool.query<{ seq: string; action: string; subject: string }>(
    'SELECT seq, action, subject FROM events WHERE seq > $1 ORDER BY seq',
    [last[0]!.max],
  );
  expect(events.map((e) => [e.action, e.subject])).toEqual([
    ['update', '/governed'],
    ['update', '/orphan'],
    ['update', '/some'],
  ]);
  for (const event of events) expect((await row(event.subject))!.seq).toBe(Number(event.seq));

  await expect(
    db.pool.query(`INSERT INTO permission_parents (subject, parent, position) VALUES ('/fine', '/nowhere', 2)`),
  ).rejects.toMatchObject({ code: '23503' });
});
