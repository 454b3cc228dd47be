import { createActorsSource } from '../src/actors/actors-source';
import { createTeamCache } from '../src/actors/team-cache';
import { countingTeamsReader } from './fakes';

const TEAM_A = '/az-tm-alpha-beta-000000000000000000000001';
const TEAM_B = '/az-tm-alpha-beta-000000000000000000000002';
const ROLES = { 'http://x/o/acme': { '/': ['read'] } };

function setup(options: { maxBytes?: number } = {}) {
  const teams = countingTeamsReader();
  teams.put(TEAM_A, { isA: 'Team', members: ['alice', 'bob'], roles: ROLES });
  teams.put(TEAM_B, { isA: 'Team', members: ['alice'] });
  const cache = createTeamCache({ maxEntries: 100, maxBytes: options.maxBytes ?? 1024 * 1024 });
  const source = createActorsSource(teams.reader, cache, { maxEntries: 100, maxBytes: 1024 * 1024 });
  return { teams, cache, source };
}

test("a miss reads the principal's teams in one query; hits make none and need no promise", async () => {
  const { teams, source } = setup();
  const alice = await source.actorsOf('alice');
  expect(alice.caller).toEqual({ principal: 'alice', teams: [TEAM_A, TEAM_B] });
  // Only teams with roles are handed to the role fallback.
  expect(alice.teamsWithRoles).toEqual([
    { id: TEAM_A, team: { isA: 'Team', members: ['alice', 'bob'], roles: ROLES } },
  ]);
  const again = source.actorsOf('alice');
  expect(again).not.toBeInstanceOf(Promise);
  expect(again).toEqual(alice);
  // The same caller object every time: what the engine memoises per caller is kept across questions.
  expect((again as typeof alice).caller).toBe(alice.caller);
  expect(teams.principals()).toEqual(['alice']);
  expect(Object.isFrozen(alice.teamsWithRoles[0].team.roles)).toBe(true);
});

test('no user has no teams and costs no query', () => {
  const { teams, source } = setup();
  expect(source.actorsOf(null)).toEqual({ caller: { principal: null, teams: [] }, teamsWithRoles: [] });
  expect(teams.calls).toEqual([]);
});

test('concurrent misses for one principal share one query', async () => {
  const { teams, source } = setup();
  const held = teams.hold();
  const both = Promise.all([source.actorsOf('bob'), source.actorsOf('bob')]);
  held.open();
  const [one, two] = await both;
  expect(one.caller.teams).toEqual([TEAM_A]);
  expect(two).toBe(one);
  expect(teams.principals()).toEqual(['bob']);
});

test('an invalidation removes exactly the named principals (members before and after a team change)', async () => {
  const { teams, source } = setup();
  await source.actorsOf('alice');
  await source.actorsOf('bob');
  await source.actorsOf('carol');
  const seq = teams.put(TEAM_A, { isA: 'Team', members: ['alice', 'carol'] });
  source.invalidate(['alice', 'bob', 'carol'], seq); // bob removed, carol added
  expect((await source.actorsOf('carol')).caller.teams).toEqual([TEAM_A]);
  expect((await source.actorsOf('bob')).caller.teams).toEqual([]);
  const alice = await source.actorsOf('alice');
  expect(alice.teamsWithRoles).toEqual([]); // TEAM_A lost its roles
  expect(teams.principals()).toEqual(['alice', 'bob', 'carol', 'carol', 'bob', 'alice']);

  source.invalidate(['dave'], seq + 1);
  await source.actorsOf('alice');
  expect(teams.calls).toHaveLength(6);
});

test('a change to one of many teams re-reads the list but sends back only that team (issue 18.10)', async () => {
  const { teams, cache, source } = setup();
  const many = Array.from({ length: 20 }, (_, i) => `/az-tm-many-team-${String(i).padStart(24, '0')}`);
  for (const id of many) teams.put(id, { isA: 'Team', members: ['alice'], roles: ROLES, data: 'x'.repeat(1000) });
  await source.actorsOf('alice');
  expect(teams.calls.at(-1)?.sent).toHaveLength(22);
  const seq = teams.put(many[7], { isA: 'Team', members: ['alice'], roles: ROLES, data: 'y' });
  cache.invalidate(many[7], seq);
  source.invalidate(['alice'], seq);
  const alice = await source.actorsOf('alice');
  expect(teams.calls.at(-1)).toEqual({ principal: 'alice', sent: [many[7]] });
  expect(alice.teamsWithRoles.find((t) => t.id === many[7])?.team.data).toBe('y');
  expect(alice.caller.teams).toHaveLength(22);
});

test('a member shares the cached team of another member instead of keeping a copy', async () => {
  const { source } = setup();
  const alice = await source.actorsOf('alice');
  const bob = await source.actorsOf('bob');
  expect(bob.teamsWithRoles[0]).toBe(alice.teamsWithRoles[0]);
});

test('a team evicted from its cache is read again with the list, the others are not sent', async () => {
  const { teams, source } = setup({ maxBytes: 1 }); // no team fits: each is read every time the list is
  await source.actorsOf('alice');
  await source.actorsOf('alice');
  expect(teams.calls.map((c) => c.sent)).toEqual([
    [TEAM_A, TEAM_B],
    [TEAM_A, TEAM_B],
  ]);
});

test('a fill racing an invalidation is not cached, and later askers do not join it', async () => {
  const { teams, source } = setup();
  const held = teams.hold();
  const racing = source.actorsOf('bob'); // reads bob in TEAM_A, then waits
  await Promise.resolve();
  source.invalidate(['bob'], teams.remove(TEAM_A));
  const after = source.actorsOf('bob');
  held.open();
  expect((await racing).caller.teams).toEqual([TEAM_A]); // concurrent with the deletion: either answer is right
  expect((await after).caller.teams).toEqual([]);
  expect((await source.actorsOf('bob')).caller.teams).toEqual([]);
  expect(teams.principals()).toEqual(['bob', 'bob']);
});

test('reset drops every entry and any fill in flight', async () => {
  const { teams, source } = setup();
  await source.actorsOf('alice');
  const held = teams.hold();
  const racing = source.actorsOf('bob');
  await Promise.resolve();
  source.reset();
  held.open();
  await racing;
  await source.actorsOf('alice');
  await source.actorsOf('bob');
  expect(teams.principals()).toEqual(['alice', 'bob', 'alice', 'bob']);
});
