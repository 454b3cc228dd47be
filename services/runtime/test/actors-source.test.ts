import { createActorsSource } from '../src/actors-source';
import { countingTeamsReader } from './fakes';

const TEAM_A = '/az-tm-alpha-beta-000000000000000000000001';
const TEAM_B = '/az-tm-alpha-beta-000000000000000000000002';

function setup() {
  const teams = countingTeamsReader();
  teams.put(TEAM_A, { isA: 'Team', members: ['alice', 'bob'], roles: { 'http://x/o/acme': { '/': ['read'] } } });
  teams.put(TEAM_B, { isA: 'Team', members: ['alice'] });
  const source = createActorsSource(teams.reader, { max: 100 });
  return { teams, source };
}

test("a miss reads the principal's teams with their roles in one query; hits make no query", async () => {
  const { teams, source } = setup();
  const alice = await source.actorsOf('alice');
  expect(alice.teams).toEqual([TEAM_A, TEAM_B]);
  expect(alice.teamsWithRoles[0]).toEqual({
    id: TEAM_A,
    team: { isA: 'Team', members: ['alice', 'bob'], roles: { 'http://x/o/acme': { '/': ['read'] } } },
  });
  expect(await source.actorsOf('alice')).toBe(alice);
  expect(teams.calls).toEqual(['alice']);
  expect(Object.isFrozen(alice.teamsWithRoles[0].team)).toBe(true);
});

test('no user has no teams and costs no query', async () => {
  const { teams, source } = setup();
  expect(await source.actorsOf(null)).toEqual({ teams: [], teamsWithRoles: [] });
  expect(teams.calls).toEqual([]);
});

test('concurrent misses for one principal share one query', async () => {
  const { teams, source } = setup();
  const held = teams.hold();
  const both = Promise.all([source.actorsOf('bob'), source.actorsOf('bob')]);
  held.open();
  const [one, two] = await both;
  expect(one.teams).toEqual([TEAM_A]);
  expect(two).toBe(one);
  expect(teams.calls).toEqual(['bob']);
});

test('an invalidation removes exactly the named principals (members before and after a team change)', async () => {
  const { teams, source } = setup();
  await source.actorsOf('alice');
  await source.actorsOf('bob');
  await source.actorsOf('carol');
  const seq = teams.put(TEAM_A, { isA: 'Team', members: ['alice', 'carol'] });
  source.invalidate(['alice', 'bob', 'carol'], seq); // bob removed, carol added
  expect((await source.actorsOf('carol')).teams).toEqual([TEAM_A]);
  expect((await source.actorsOf('bob')).teams).toEqual([]);
  const alice = await source.actorsOf('alice');
  expect(alice.teamsWithRoles[0].team.roles).toBeUndefined();
  expect(teams.calls).toEqual(['alice', 'bob', 'carol', 'carol', 'bob', 'alice']);

  source.invalidate(['dave'], seq + 1);
  await source.actorsOf('alice');
  expect(teams.calls).toHaveLength(6);
});

test('a fill racing an invalidation is not cached, and later askers do not join it', async () => {
  const { teams, source } = setup();
  const held = teams.hold();
  const racing = source.actorsOf('bob'); // reads bob in TEAM_A, then waits
  await Promise.resolve();
  source.invalidate(['bob'], teams.remove(TEAM_A));
  const after = source.actorsOf('bob');
  held.open();
  expect((await racing).teams).toEqual([TEAM_A]); // concurrent with the deletion: either answer is right
  expect((await after).teams).toEqual([]);
  expect((await source.actorsOf('bob')).teams).toEqual([]);
  expect(teams.calls).toEqual(['bob', 'bob']);
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
  expect(teams.calls).toEqual(['alice', 'bob', 'alice', 'bob']);
});
