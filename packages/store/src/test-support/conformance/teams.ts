import { ConflictError, NotFoundError, PreconditionFailedError } from '@permissions/model';
import { rejectionOf, teamWith, type ConformanceContext } from './context';

export function describeTeams(ctx: ConformanceContext): void {
  const teamId = (local: string): string => `/az-tm-${ctx.name(local).slice(1).replace(/\//g, '-')}`;
  const user = (local: string): string => `https://issuer.example#${ctx.name(local)}`;

  test('create stores the team as given with an event naming its members', async () => {
    const id = teamId('t');
    const [bob, alice] = [user('bob'), user('alice')];
    const team = teamWith([bob, alice], { roles: { 'http://apigee.com/o/acme': { '/': ['read'] } } });
    const before = await ctx.store().getLastSeq();

    const written = await ctx.store().write((tx) => tx.createTeam(id, team));

    expect(await ctx.raw().team(id)).toEqual({ seq: written.seq, data: team });
    expect(await ctx.store().getTeam(id)).toEqual({ id, team, seq: written.seq });
    const events = await ctx.raw().events(before);
    expect(
      events.map(({ seq, topic, action, subject, members }) => ({ seq, topic, action, subject, members })),
    ).toEqual([{ seq: written.seq, topic: 'teams', action: 'create', subject: id, members: [alice, bob].sort() }]);
    expect(await ctx.store().getTeam(teamId('none'))).toBeNull();
  });

  test('teams of a principal, sorted by id, following updates and deletes', async () => {
    const [t1, t2, t3] = [teamId('t1'), teamId('t2'), teamId('t3')];
    const [alice, bob, carol] = [user('alice'), user('bob'), user('carol')];
    const { events: created } = await ctx.store().write(async (tx) => {
      await tx.createTeam(t2, teamWith([alice, bob]));
      await tx.createTeam(t1, teamWith([alice]));
      await tx.createTeam(t3, teamWith([carol]));
    });
    expect((await ctx.store().getTeamsOfPrincipal(alice)).map((t) => t.id)).toEqual([t1, t2]);
    expect((await ctx.store().getTeamsOfPrincipal(alice))[1]!.team).toEqual(teamWith([alice, bob]));

    const update = await ctx.store().write((tx) => tx.updateTeam(t2, teamWith([bob, carol]), created[0]!.seq));
    expect(update.events[0]!.members).toEqual([alice, bob, carol].sort());
    expect((await ctx.store().getTeamsOfPrincipal(alice)).map((t) => t.id)).toEqual([t1]);
    expect((await ctx.store().getTeamsOfPrincipal(carol)).map((t) => t.id)).toEqual([t2, t3]);

    const removal = await ctx.store().write((tx) => tx.deleteTeam(t2, update.seq!));
    expect(removal.result.deleted).toEqual({ id: t2, team: teamWith([bob, carol]), seq: update.seq });
    expect(removal.events.map((e) => [e.action, e.subject, e.members])).toEqual([['delete', t2, [bob, carol].sort()]]);
    expect((await ctx.store().getTeamsOfPrincipal(carol)).map((t) => t.id)).toEqual([t3]);
    expect(await ctx.store().getTeamsOfPrincipal(bob)).toEqual([]);
  });

  test('teams of a principal except those known at their version: data only for the others', async () => {
    const [t1, t2, t3] = [teamId('e1'), teamId('e2'), teamId('e3')];
    const alice = user('alice');
    const { events } = await ctx.store().write(async (tx) => {
      await tx.createTeam(t1, teamWith([alice]));
      await tx.createTeam(t2, teamWith([alice], { name: 'two' }));
      await tx.createTeam(t3, teamWith([user('carol')]));
    });
    const seqOf = (id: string) => events.find((e) => e.subject === id)!.seq;
    expect(await ctx.store().getTeamsOfPrincipalExcept(alice, new Map())).toEqual([
      { id: t1, seq: seqOf(t1), team: teamWith([alice]) },
      { id: t2, seq: seqOf(t2), team: teamWith([alice], { name: 'two' }) },
    ]);
    // t1 is known at its version; t2 is known at an older one, so its data comes again.
    const known = new Map([
      [t1, seqOf(t1)],
      [t2, seqOf(t2) - 1],
      [t3, seqOf(t3)],
    ]);
    expect(await ctx.store().getTeamsOfPrincipalExcept(alice, known)).toEqual([
      { id: t1, seq: seqOf(t1), team: null },
      { id: t2, seq: seqOf(t2), team: teamWith([alice], { name: 'two' }) },
    ]);
    expect(await ctx.store().getTeamsOfPrincipalExcept(user('nobody'), known)).toEqual([]);
  });

  test('duplicate, stale and missing team writes fail with their error types', async () => {
    const id = teamId('t');
    const { seq } = await ctx.store().write((tx) => tx.createTeam(id, teamWith([user('a')])));
    expect(await rejectionOf(ctx.store().write((tx) => tx.createTeam(id, teamWith([]))))).toBeInstanceOf(ConflictError);
    expect(await rejectionOf(ctx.store().write((tx) => tx.updateTeam(id, teamWith([]), seq! - 1)))).toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await rejectionOf(ctx.store().write((tx) => tx.deleteTeam(id, seq! + 1000)))).toBeInstanceOf(
      PreconditionFailedError,
    );
    const missing = teamId('missing');
    expect(await rejectionOf(ctx.store().write((tx) => tx.updateTeam(missing, teamWith([]))))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await rejectionOf(ctx.store().write((tx) => tx.deleteTeam(missing)))).toBeInstanceOf(NotFoundError);
    expect(await ctx.raw().team(id)).toEqual({ seq, data: teamWith([user('a')]) });
  });

  test('getTeamForUpdate reads the team inside a write', async () => {
    const id = teamId('t');
    const { seq } = await ctx.store().write((tx) => tx.createTeam(id, teamWith([])));
    const { result } = await ctx.store().write((tx) => tx.getTeamForUpdate(id));
    expect(result).toEqual({ id, team: teamWith([]), seq });
  });
}
