import { randomBytes } from 'node:crypto';
import { subjectFor, useStack } from '@permissions/test-support/harness';
import {
  BadRequestError,
  createPermissionsClient,
  type BulkRefusal,
  type PermissionsDocument,
} from '@permissions/client';

/** The client's bulk write, principal removal and dry run (CONTRACT §5), against the real services. */
const get = useStack();

const clientOf = (who: 'alice' | 'bob') =>
  createPermissionsClient({ baseUrl: get().stack.url, token: get().tokens[who] });

test('bulk: heirs before parents in one transaction, idempotent; a refusal names each document, stores nothing', async () => {
  const { p } = get();
  const alice = clientOf('alice');
  const root = subjectFor('client-bulk');
  const documents: PermissionsDocument[] = [
    { _subject: `${root}/child`, _inheritsPermissionsOf: [root], _self: { read: [p.bob] } },
    { _subject: root, _self: { govern: [p.alice] }, _permissionsHeirs: { add: [p.alice] } },
  ];
  const first = await alice.bulk(documents);
  expect(first).toEqual({ created: 2, updated: 0, unchanged: 0, sequence: expect.any(Number) });
  expect(await alice.bulk(documents)).toEqual({ created: 0, updated: 0, unchanged: 2, sequence: first.sequence });
  expect(await alice.bulk([])).toEqual({ created: 0, updated: 0, unchanged: 0, sequence: null });
  expect(await clientOf('bob').isAllowed({ resource: `${root}/child`, action: 'read', user: p.bob })).toBe(true);

  const orphan = `${root}/orphan`;
  const refused = await alice
    .bulk([
      { _subject: `${root}/fine`, _inheritsPermissionsOf: [root] },
      { _subject: orphan, _inheritsPermissionsOf: [`${root}/never`] },
    ])
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  expect(refused).toBeInstanceOf(BadRequestError);
  const body = (refused as BadRequestError).body as BulkRefusal;
  expect(body.errors).toEqual([
    { index: 1, subject: orphan, msg: expect.any(String), missingParents: [`${root}/never`] },
  ]);
  await expect(alice.getDocument(`${root}/fine`)).rejects.toMatchObject({ status: 404 });
});

test('dryRunPatch: the document as it would be, who gains and loses what, the version previewed; nothing stored', async () => {
  const { p } = get();
  const alice = clientOf('alice');
  const subject = subjectFor('client-dry');
  const created = await alice.createDocument({ _subject: subject, _self: { govern: [p.alice], read: [p.bob] } });
  const preview = await alice.dryRunPatch(subject, { _self: { read: [p.carol] } }, { etag: created.etag });
  expect(preview.etag).toBe(created.etag);
  expect(preview.sequence).toBeUndefined();
  expect(preview.value.document._self).toEqual({ govern: [p.alice], admin: [p.alice], read: [p.carol] });
  expect(preview.value.gains).toEqual({ [subject]: { [p.carol]: { _self: ['read'] } } });
  expect(preview.value.losses).toEqual({ [subject]: { [p.bob]: { _self: ['read'] } } });
  expect(preview.value.heirsOmitted).toBeUndefined();
  const after = await alice.getDocument(subject);
  expect([after.etag, after.value._self?.read]).toEqual([created.etag, [p.bob]]);
  // the ETag previewed makes exactly that change
  const patched = await alice.patchDocument(subject, { _self: { read: [p.carol] } }, { etag: preview.etag });
  expect(patched.value._self).toEqual(preview.value.document._self);
});

test('removePrincipal: the dry run says what the removal then does, documents and teams', async () => {
  const { p } = get();
  const alice = clientOf('alice');
  const leaver = `${p.alice.split('#')[0]}#leaver-${randomBytes(4).toString('hex')}`;
  const subject = subjectFor('client-leaver');
  await alice.createDocument({ _subject: subject, _self: { govern: [p.alice], read: [leaver], update: [leaver] } });
  const team = await alice.createTeam({
    isA: 'Team',
    members: [leaver, p.bob],
    _permissions: { _self: { govern: [p.alice], read: [p.alice], update: [p.alice] } },
  });

  const dry = await alice.removePrincipal(leaver, { dryRun: true });
  const teamId = dry.teams[0]?.team;
  expect(dry).toEqual({
    principal: leaver,
    dryRun: true,
    documents: [{ subject, removed: { _self: ['read', 'update'] } }],
    teams: [{ team: teamId, removed: ['members'] }],
    skipped: [],
    sequence: null,
  });
  expect(team.value.self).toContain(teamId);
  expect((await alice.getDocument(subject)).value._self?.read).toEqual([leaver]);

  const done = await alice.removePrincipal(leaver);
  expect(done).toEqual({ ...dry, dryRun: false, sequence: expect.any(Number) });
  expect((await alice.getDocument(subject)).value._self).toEqual({
    govern: [p.alice],
    admin: [p.alice],
    read: [],
    update: [],
  });
  expect((await alice.getTeam(team.value.self)).value.members).toEqual([p.bob]);
  expect(await alice.removePrincipal(leaver)).toMatchObject({ documents: [], teams: [], sequence: null });
});
