import type { PermissionsDocument } from '@permissions/model';
import { createMigratingLoader, type MigrationTrigger } from '../src/document-source/migrating-loader';
import { countingLoader, gate } from './fakes';

const LEGACY = 'https://legacy.example.com';

/** A trigger that "imports" an org by creating its document in the fake table, counting the calls. */
function setup(options: { imports?: boolean } = {}) {
  const table = countingLoader();
  const migrations: string[] = [];
  let held: Promise<void> | undefined;
  const trigger: MigrationTrigger = {
    orgOf: (resource) => /^https:\/\/legacy\.example\.com\/o\/[^/]+/.exec(resource)?.[0],
    async migrate(resource) {
      migrations.push(resource);
      if (held) await held;
      if (options.imports === false) return false;
      const org = trigger.orgOf(resource) as string;
      table.put({ _subject: org, _self: { read: ['u'] } } as PermissionsDocument);
      return true;
    },
    isMigrated: (orgDocument) => orgDocument !== null,
  };
  return {
    table,
    migrations,
    loader: createMigratingLoader(table.load, trigger, 60_000),
    hold(promise: Promise<void>) {
      held = promise;
    },
  };
}

test('a missing legacy resource asks the migration once, then is read again (reference §6.8)', async () => {
  const { table, migrations, loader } = setup();
  const loaded = await loader([`${LEGACY}/o/acme`]);
  expect(loaded.get(`${LEGACY}/o/acme`)?.document?._subject).toBe(`${LEGACY}/o/acme`);
  expect(migrations).toEqual([`${LEGACY}/o/acme`]);
  expect(table.calls).toEqual([[`${LEGACY}/o/acme`], [`${LEGACY}/o/acme`]]);

  // The org was attempted: another miss in it does not ask again.
  expect((await loader([`${LEGACY}/o/acme/apps/x`])).get(`${LEGACY}/o/acme/apps/x`)).toBeNull();
  expect(migrations).toHaveLength(1);
});

test('a resource that cannot be legacy never asks the migration (B18)', async () => {
  const { table, migrations, loader } = setup();
  expect((await loader(['http://example.com/x'])).get('http://example.com/x')).toBeNull();
  expect(migrations).toEqual([]);
  expect(table.calls).toHaveLength(1);
});

test('an org the migration does not know is not read again', async () => {
  const { table, migrations, loader } = setup({ imports: false });
  expect((await loader([`${LEGACY}/o/nobody`])).get(`${LEGACY}/o/nobody`)).toBeNull();
  expect(migrations).toHaveLength(1);
  expect(table.calls).toHaveLength(1);
});

test('concurrent misses in one org share one migration call', async () => {
  const { migrations, loader, hold } = setup();
  const g = gate();
  hold(g.promise);
  const both = Promise.all([loader([`${LEGACY}/o/acme/a`]), loader([`${LEGACY}/o/acme/b`])]);
  await new Promise((resolve) => setImmediate(resolve));
  g.open();
  await both;
  expect(migrations).toHaveLength(1);
});

test('a squat at the org URL (a document the migration did not write) does not stop the import', async () => {
  const table = countingLoader({
    squat: { _subject: `${LEGACY}/o/globex`, _self: { read: ['bob'] }, _metadata: { sharedWith: [], creator: 'bob' } },
  });
  const migrations: string[] = [];
  const trigger: MigrationTrigger = {
    orgOf: (resource) => /^https:\/\/legacy\.example\.com\/o\/[^/]+/.exec(resource)?.[0],
    async migrate(resource) {
      migrations.push(resource);
      const org = { _subject: `${LEGACY}/o/globex`, _metadata: { sharedWith: [], creator: 'client' } };
      table.put(org as PermissionsDocument);
      return true;
    },
    isMigrated: (orgDocument) => orgDocument?._metadata?.creator === 'client',
  };
  const loader = createMigratingLoader(table.load, trigger, 60_000);
  // Even a question about the squatted URL itself, which has a document, asks for the import.
  const loaded = await loader([`${LEGACY}/o/globex`]);
  expect(migrations).toEqual([`${LEGACY}/o/globex`]);
  expect(loaded.get(`${LEGACY}/o/globex`)?.document?._metadata?.creator).toBe('client');
  // Migrated now: another org resource asks nothing more, and costs one load with its org document.
  const before = table.calls.length;
  await loader([`${LEGACY}/o/globex/apis/x`]);
  expect(migrations).toHaveLength(1);
  expect(table.calls.length - before).toBe(1);
});
