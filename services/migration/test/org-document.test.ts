import { actionsOfVerbs } from '../src/role-permissions';
import { grantsOfRole, orgDocument, teamsNamedIn } from '../src/org-document';

const orgUrl = 'https://legacy.example.com/v1/o/usergrid-user';
const client = 'https://idp.example.com#permissions-client';

test('legacy verbs map to actions: get → read, put → create + update, others kept', () => {
  expect(actionsOfVerbs(['get', 'put', 'delete'])).toEqual(['read', 'create', 'update', 'delete']);
  expect(actionsOfVerbs(['GET', 'get', ' put ', ''])).toEqual(['read', 'create', 'update']);
  expect(actionsOfVerbs(['deploy'])).toEqual(['deploy']);
});

test('classification uses the exact role name, whatever the org is called (B9)', () => {
  expect(grantsOfRole('readonlyadmin')._permissionsHeirs).toEqual(['read']);
  expect(grantsOfRole('orgadmin')._self).toEqual(['read', 'update', 'put']);
  expect(grantsOfRole('opsadmin').subscriptions).toEqual(['read', 'create', 'update', 'delete']);
  // names that merely contain a known role name get the default row
  expect(grantsOfRole('superorgadmins')).toEqual(grantsOfRole('user'));
  expect(grantsOfRole('usergrid-readonlyadmin')).toEqual(grantsOfRole('user'));
  expect(grantsOfRole('__proto__')).toEqual(grantsOfRole('user'));
});

test('re-building keeps grants added by hand and replaces the teams the import owns', () => {
  const existing = {
    _subject: orgUrl,
    _self: { read: [client, '/az-tm-old-old-000000000000000000000000', 'https://idp.example.com#bob'] },
    custom: { read: ['https://idp.example.com#carol'] },
    note: 'kept',
    _metadata: { sharedWith: [] },
  };
  const doc = orgDocument({
    orgUrl,
    client,
    teams: [{ role: 'readonlyadmin', teamUrl: '/az-tm-new-new-111111111111111111111111' }],
    ownTeams: new Set(['/az-tm-old-old-000000000000000000000000', '/az-tm-new-new-111111111111111111111111']),
    existing,
  });
  expect(doc._self).toEqual({
    read: [client, 'https://idp.example.com#bob', '/az-tm-new-new-111111111111111111111111'],
    update: [client],
    put: [client],
    delete: [client],
    admin: [client],
    govern: [client],
  });
  expect(doc._permissionsHeirs).toEqual({
    add: [client],
    read: [client, '/az-tm-new-new-111111111111111111111111'],
    remove: [client],
  });
  expect(doc.custom).toEqual({ read: ['https://idp.example.com#carol'] });
  expect(doc.note).toBe('kept');
  expect(doc._metadata).toBeUndefined();
  expect(teamsNamedIn(doc)).toEqual(['/az-tm-new-new-111111111111111111111111']);
});
