import { ConflictError, NotFoundError, PreconditionFailedError } from '@permissions/model';
import type { EventRecord } from '../../types';
import { documentFor, rejectionOf, teamWith, type ConformanceContext } from './context';

export function describeTransactions(ctx: ConformanceContext): void {
  test('a write that throws leaves neither row nor event, and rethrows the same error', async () => {
    const [subject, team] = [ctx.name('doc'), `/az-tm-${ctx.name('team').slice(1).replace(/\//g, '-')}`];
    const before = await ctx.store().getLastSeq();
    const boom = new Error('boom');

    const error = await rejectionOf(
      ctx.store().write(async (tx) => {
        await tx.createDocument(documentFor(subject));
        await tx.createTeam(team, teamWith(['https://issuer.example#x']));
        throw boom;
      }),
    );

    expect(error).toBe(boom);
    expect(await ctx.raw().document(subject)).toBeNull();
    expect(await ctx.raw().team(team)).toBeNull();
    expect(await ctx.raw().events(before)).toEqual([]);
    expect(await ctx.store().getTeamsOfPrincipal('https://issuer.example#x')).not.toContainEqual(
      expect.objectContaining({ id: team }),
    );
    // a rolled-back write may burn sequence numbers, never hand them out twice
    expect(await ctx.store().getLastSeq()).toBeGreaterThanOrEqual(before);
  });

  test('reads inside a write see its own writes; the result is passed through', async () => {
    const [parent, child] = [ctx.name('parent'), ctx.name('child')];
    const { result, seq, events } = await ctx.store().write(async (tx) => {
      await tx.createDocument(documentFor(parent));
      await tx.createDocument(documentFor(child, { parents: [parent] }));
      return { heirs: await tx.getHeirs(parent), ancestors: [...(await tx.getDocumentsWithAncestors([child])).keys()] };
    });
    expect(result).toEqual({ heirs: [child], ancestors: expect.arrayContaining([parent, child]) });
    expect(events.map((e) => e.subject)).toEqual([parent, child]);
    expect(seq).toBe(events[1]!.seq);
  });

  test('a ConflictError handled inside the write does not spoil the rest of it', async () => {
    const [existing, other] = [ctx.name('existing'), ctx.name('other')];
    await ctx.store().write((tx) => tx.createDocument(documentFor(existing)));
    const { result } = await ctx.store().write(async (tx) => {
      const error = await rejectionOf(tx.createDocument(documentFor(existing)));
      await tx.createDocument(documentFor(other));
      return error;
    });
    expect(result).toBeInstanceOf(ConflictError);
    expect(await ctx.store().getDocument(other)).not.toBeNull();
  });

  test('a write without mutations has no seq and no events', async () => {
    const written = await ctx.store().write(async (tx) => tx.getDocument(ctx.name('nothing')));
    expect(written).toEqual({ result: null, seq: null, events: [] });
  });

  test('a transaction cannot be used after its write finished', async () => {
    let leaked: Parameters<Parameters<ReturnType<ConformanceContext['store']>['write']>[0]>[0] | undefined;
    await ctx.store().write(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.createDocument(documentFor(ctx.name('late')))).rejects.toThrow();
    expect(await ctx.store().getDocument(ctx.name('late'))).toBeNull();
  });

  test('onCommit hooks receive the events of committed writes only, after commit', async () => {
    const received: EventRecord[][] = [];
    const mine = ctx.name('');
    ctx.store().onCommit((events) => {
      const ours = events.filter((e) => e.subject.startsWith(mine));
      if (ours.length > 0) received.push(ours);
    });
    const [a, b] = [ctx.name('a'), ctx.name('b')];
    const written = await ctx.store().write(async (tx) => {
      await tx.createDocument(documentFor(a));
      await tx.createDocument(documentFor(b));
    });
    await rejectionOf(
      ctx.store().write(async (tx) => {
        await tx.createDocument(documentFor(ctx.name('rolled-back')));
        throw new Error('no');
      }),
    );
    expect(received).toEqual([written.events]);
  });

  test('a write resolves only once its onCommit hooks have settled', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const settled: string[] = [];
    const mine = ctx.name('');
    ctx.store().onCommit(async (events) => {
      if (!events.some((e) => e.subject.startsWith(mine))) return;
      await held;
      settled.push('hook');
    });
    const writing = ctx
      .store()
      .write((tx) => tx.createDocument(documentFor(ctx.name('hooked'))))
      .then(() => settled.push('write'));
    // The write has committed (its row is readable) but is not answered while a hook is still running.
    for (let i = 0; i < 100 && (await ctx.store().getDocument(ctx.name('hooked'))) === null; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await ctx.store().getDocument(ctx.name('hooked'))).not.toBeNull();
    expect(settled).toEqual([]);
    release();
    await writing;
    expect(settled).toEqual(['hook', 'write']);
  });
}

export function describeEvents(ctx: ConformanceContext): void {
  test('events come ascending, limited, and each row carries the seq of its last event', async () => {
    const before = await ctx.store().getLastSeq();
    const [a, b] = [ctx.name('a'), ctx.name('b')];
    const first = await ctx.store().write((tx) => tx.createDocument(documentFor(a)));
    const second = await ctx.store().write(async (tx) => {
      await tx.createDocument(documentFor(b));
      await tx.updateDocument(documentFor(a, { extra: { v: 2 } }), first.seq!);
    });

    const events = await ctx.store().getEventsAfter(before, 100);
    const ours = events.filter((e) => [a, b].includes(e.subject));
    expect(ours.map((e) => [e.subject, e.action])).toEqual([
      [a, 'create'],
      [b, 'create'],
      [a, 'update'],
    ]);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((x, y) => x - y));
    expect(ours.every((e) => e.createdAt instanceof Date)).toBe(true);
    expect((await ctx.store().getDocument(a))!.seq).toBe(second.seq);
    expect((await ctx.store().getDocument(b))!.seq).toBe(second.events[0]!.seq);
    expect(await ctx.store().getEventsAfter(before, 1)).toEqual(events.slice(0, 1));
    expect(await ctx.store().getEventsAfter(second.seq!, 100)).toEqual(
      (await ctx.store().getEventsAfter(before, 100)).filter((e) => e.seq > second.seq!),
    );
    expect(await ctx.store().getLastSeq()).toBeGreaterThanOrEqual(second.seq!);
  });
}

export function describeConcurrency(ctx: ConformanceContext): void {
  test('two updates from the same seq at once: one wins, the other is a PreconditionFailedError', async () => {
    const subject = ctx.name('raced');
    const { seq } = await ctx.store().write((tx) => tx.createDocument(documentFor(subject)));
    const outcomes = await Promise.allSettled(
      [1, 2].map((n) =>
        ctx.store().write((tx) => tx.updateDocument(documentFor(subject, { extra: { writer: n } }), seq!)),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(PreconditionFailedError);
  });

  test('two creates of one subject at once: one wins, the other is a ConflictError', async () => {
    const subject = ctx.name('born-twice');
    const outcomes = await Promise.allSettled(
      [1, 2].map((n) => ctx.store().write((tx) => tx.createDocument(documentFor(subject, { extra: { writer: n } })))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(ConflictError);
  });

  test('two deletes at once: one wins, the other is a NotFoundError', async () => {
    const subject = ctx.name('deleted-twice');
    const { seq } = await ctx.store().write((tx) => tx.createDocument(documentFor(subject)));
    const outcomes = await Promise.allSettled(
      [1, 2].map(() => ctx.store().write((tx) => tx.deleteDocument(subject, seq!))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(NotFoundError);
  });
}
