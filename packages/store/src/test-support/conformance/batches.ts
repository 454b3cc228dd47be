import { ConflictError, NotFoundError, PreconditionFailedError } from '@permissions/model';
import { asStored, createDocuments, documentFor, rejectionOf, teamWith, type ConformanceContext } from './context';

/**
 * The set-based writes (bulk import, removing a principal): each document or team written as one by one would write
 * it (its row, its own seq, its event, its index rows), whatever the number, and nothing when one of them fails.
 */
export function describeBatches(ctx: ConformanceContext): void {
  test('createDocuments: parents after heirs in one call; one event each, in the given order', async () => {
    const [parent, heir, other] = ['parent', 'heir', 'other'].map(ctx.name);
    const documents = [
      documentFor(heir, { parents: [parent], sharedWith: ['https://issuer.example#bob'] }),
      documentFor(parent),
      documentFor(other, { parents: [parent] }),
    ];
    const before = await ctx.store().getLastSeq();
    const { result: events, seq } = await ctx.store().write((tx) => tx.createDocuments(documents));
    expect(events.map((e) => [e.action, e.subject])).toEqual([
      ['create', heir],
      ['create', parent],
      ['create', other],
    ]);
    expect(seq).toBe(events[2].seq);
    expect(await ctx.raw().events(before)).toEqual(events);
    for (const [i, document] of documents.entries()) {
      expect(await ctx.raw().document(document._subject)).toEqual({
        seq: events[i].seq,
        data: asStored(document, events[i].seq),
      });
    }
    expect(await ctx.store().getHeirs(parent)).toEqual([heir, other].sort());
    expect(await ctx.store().getSubjectsSharedWith(['https://issuer.example#bob'])).toContain(heir);
  });

  test('createDocuments: a subject that exists is a ConflictError naming it, and nothing is stored', async () => {
    const [taken, fresh] = ['taken', 'fresh'].map(ctx.name);
    await createDocuments(ctx.store(), [documentFor(taken)]);
    const before = await ctx.store().getLastSeq();
    const error = await rejectionOf(
      ctx.store().write((tx) => tx.createDocuments([documentFor(fresh), documentFor(taken)])),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain(taken);
    expect(await ctx.raw().document(fresh)).toBeNull();
    expect(await ctx.raw().events(before)).toEqual([]);
  });

  test('createDocuments: a parent neither written nor stored refuses the whole write at commit', async () => {
    const [child, ghost] = ['child', 'ghost'].map(ctx.name);
    const error = await rejectionOf(
      ctx.store().write((tx) => tx.createDocuments([documentFor(child, { parents: [ghost] })])),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(await ctx.raw().document(child)).toBeNull();
  });

  test('updateDocuments: each at its expected seq, index rows follow, one event each', async () => {
    const [a, b, parent] = ['a', 'b', 'parent'].map(ctx.name);
    const [seqA, seqB] = await createDocuments(ctx.store(), [
      documentFor(a, { sharedWith: ['https://issuer.example#bob'] }),
      documentFor(b),
      documentFor(parent),
    ]);
    const changedA = documentFor(a, { parents: [parent] });
    const changedB = documentFor(b, { sharedWith: ['https://issuer.example#carol'] });
    const { result: events } = await ctx.store().write((tx) =>
      tx.updateDocuments([
        { document: changedA, expectedSeq: seqA },
        { document: changedB, expectedSeq: seqB },
      ]),
    );
    expect(events.map((e) => [e.action, e.subject])).toEqual([
      ['update', a],
      ['update', b],
    ]);
    expect(await ctx.store().getHeirs(parent)).toEqual([a]);
    expect(await ctx.store().getSubjectsSharedWith(['https://issuer.example#bob'])).not.toContain(a);
    expect(await ctx.store().getSubjectsSharedWith(['https://issuer.example#carol'])).toContain(b);
    expect((await ctx.raw().document(a))?.seq).toBe(events[0].seq);
  });

  test('updateDocuments: a moved row is a PreconditionFailedError, a missing one a NotFoundError; nothing stored', async () => {
    const [a, b, missing] = ['a', 'b', 'missing'].map(ctx.name);
    const [seqA, seqB] = await createDocuments(ctx.store(), [documentFor(a), documentFor(b)]);
    const before = await ctx.store().getLastSeq();
    const moved = await rejectionOf(
      ctx.store().write((tx) =>
        tx.updateDocuments([
          { document: documentFor(a, { sharedWith: ['x'] }), expectedSeq: seqA },
          { document: documentFor(b), expectedSeq: seqB - 1 },
        ]),
      ),
    );
    expect(moved).toBeInstanceOf(PreconditionFailedError);
    const absent = await rejectionOf(
      ctx.store().write((tx) => tx.updateDocuments([{ document: documentFor(missing) }])),
    );
    expect(absent).toBeInstanceOf(NotFoundError);
    expect((await ctx.raw().document(a))?.seq).toBe(seqA);
    expect(await ctx.raw().events(before)).toEqual([]);
  });

  test('getSubjectsNamingPrincipal finds a principal in any action map, never in plain data or _metadata', async () => {
    const principal = `https://issuer.example#${ctx.name('p').slice(1)}`;
    const [self, heirs, custom, data, metadata] = ['self', 'heirs', 'custom', 'data', 'metadata'].map(ctx.name);
    await createDocuments(ctx.store(), [
      documentFor(self, { sharedWith: [principal] }),
      documentFor(heirs, { extra: { _permissionsHeirs: { add: [principal] } } }),
      documentFor(custom, { extra: { keyvaluemaps: { read: ['x', principal] } } }),
      documentFor(data, { extra: { notes: [principal], _links: { read: [principal] } } }),
      documentFor(metadata, { extra: { _metadata: { sharedWith: [principal], creator: principal } } }),
    ]);
    const found = await ctx.store().write((tx) => tx.getSubjectsNamingPrincipal(principal, 100));
    expect(found.result).toEqual([custom, heirs, self].sort());
    const limited = await ctx.store().write((tx) => tx.getSubjectsNamingPrincipal(principal, 2));
    expect(limited.result).toEqual([custom, heirs, self].sort().slice(0, 2));
  });

  test('getHeirsDepths: the longest chain below each subject', async () => {
    const [top, middle, leaf, lone] = ['top', 'middle', 'leaf', 'lone'].map(ctx.name);
    await createDocuments(ctx.store(), [
      documentFor(top),
      documentFor(middle, { parents: [top] }),
      documentFor(leaf, { parents: [middle, top] }),
      documentFor(lone),
    ]);
    const { result } = await ctx.store().write((tx) => tx.getHeirsDepths([top, middle, lone], 32));
    expect(result).toEqual(
      new Map([
        [top, 2],
        [middle, 1],
        [lone, 0],
      ]),
    );
  });

  test('updateTeams: members follow, each event names members before ∪ after', async () => {
    const [t1, t2, a, b, c] = ['t1', 't2', 'a', 'b', 'c'].map(ctx.name);
    await ctx.store().write(async (tx) => {
      await tx.createTeam(t1, teamWith([a, b]));
      await tx.createTeam(t2, teamWith([b]));
    });
    const { result: events } = await ctx.store().write(async (tx) => {
      const locked = await tx.lockTeamsForUpdate([t2, t1, ctx.name('none')]);
      expect([...locked.keys()]).toEqual([t1, t2].sort());
      return tx.updateTeams([
        { id: t1, team: teamWith([a, c]), expectedSeq: locked.get(t1)?.seq },
        { id: t2, team: teamWith([]), expectedSeq: locked.get(t2)?.seq },
      ]);
    });
    expect(events.map((e) => [e.topic, e.action, e.subject, e.members])).toEqual([
      ['teams', 'update', t1, [a, b, c].sort()],
      ['teams', 'update', t2, [b]],
    ]);
    expect((await ctx.store().getTeamsOfPrincipal(b)).map((t) => t.id)).toEqual([]);
    expect((await ctx.store().getTeamsOfPrincipal(c)).map((t) => t.id)).toEqual([t1]);
    expect((await ctx.raw().team(t2))?.data).toEqual(teamWith([]));
  });
}
