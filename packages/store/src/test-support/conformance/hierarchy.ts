import { asStored, createDocuments, documentFor, type ConformanceContext } from './context';

/** Keys of an ancestors map with whether each has a document, sorted for comparison. */
async function ancestorsOf(ctx: ConformanceContext, subjects: string[]): Promise<Array<[string, boolean]>> {
  const found = await ctx.store().getDocumentsWithAncestors(subjects);
  return [...found.entries()].map(([subject, stored]): [string, boolean] => [subject, stored !== null]).sort();
}

export function describeAncestors(ctx: ConformanceContext): void {
  test('a chain: the subject and every ancestor, with documents and seqs', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(ctx.name);
    const [seqA, seqB, seqC] = await createDocuments(ctx.store(), [
      documentFor(a),
      documentFor(b, { parents: [a] }),
      documentFor(c, { parents: [b] }),
    ]);
    const found = await ctx.store().getDocumentsWithAncestors([c]);
    expect(new Map([...found].map(([s, stored]) => [s, stored?.seq]))).toEqual(
      new Map([
        [a, seqA],
        [b, seqB],
        [c, seqC],
      ]),
    );
    expect(found.get(b)?.document).toEqual(asStored(documentFor(b, { parents: [a] }), seqB));
  });

  test('a diamond reaches the shared ancestor once', async () => {
    const [top, left, right, bottom] = ['top', 'left', 'right', 'bottom'].map(ctx.name);
    await createDocuments(ctx.store(), [
      documentFor(top),
      documentFor(left, { parents: [top] }),
      documentFor(right, { parents: [top] }),
      documentFor(bottom, { parents: [left, right] }),
    ]);
    expect(await ancestorsOf(ctx, [bottom])).toEqual(
      [bottom, left, right, top].map((s): [string, boolean] => [s, true]).sort(),
    );
  });

  test('a cycle ends (the store does not refuse cycles; the services do)', async () => {
    const [x, y, z] = ['x', 'y', 'z'].map(ctx.name);
    await createDocuments(ctx.store(), [
      documentFor(x, { parents: [z] }),
      documentFor(y, { parents: [x] }),
      documentFor(z, { parents: [y] }),
    ]);
    expect(await ancestorsOf(ctx, [x])).toEqual([x, y, z].map((s): [string, boolean] => [s, true]).sort());
  });

  test('requested subjects without a document map to null', async () => {
    const [child, parent, unknown] = ['child', 'parent', 'unknown'].map(ctx.name);
    await createDocuments(ctx.store(), [documentFor(child, { parents: [parent] }), documentFor(parent)]);
    expect(await ancestorsOf(ctx, [child, unknown])).toEqual(
      (
        [
          [child, true],
          [parent, true],
          [unknown, false],
        ] as Array<[string, boolean]>
      ).sort(),
    );
  });

  test('several subjects at once, and none', async () => {
    const [p, q, r] = ['p', 'q', 'r'].map(ctx.name);
    await createDocuments(ctx.store(), [documentFor(p), documentFor(q, { parents: [p] }), documentFor(r)]);
    expect((await ancestorsOf(ctx, [q, r])).map(([s]) => s)).toEqual([p, q, r].sort());
    expect((await ctx.store().getDocumentsWithAncestors([])).size).toBe(0);
  });

  test('follows parents as they are changed by update and delete', async () => {
    const [old, fresh, child] = ['old', 'fresh', 'child'].map(ctx.name);
    const [, , childSeq] = await createDocuments(ctx.store(), [
      documentFor(old),
      documentFor(fresh),
      documentFor(child, { parents: [old] }),
    ]);
    const moved = await ctx
      .store()
      .write((tx) => tx.updateDocument(documentFor(child, { parents: [fresh] }), childSeq));
    expect((await ancestorsOf(ctx, [child])).map(([s]) => s)).toEqual([child, fresh].sort());
    await ctx.store().write(async (tx) => {
      await tx.updateDocument(documentFor(child), moved.seq!);
      await tx.deleteDocument(fresh);
    });
    expect(await ancestorsOf(ctx, [child])).toEqual([[child, true]]);
  });
}

export function describeHeirs(ctx: ConformanceContext): void {
  test('direct heirs only, sorted, with and without documents', async () => {
    const [root, b, a, grandchild, elsewhere] = ['root', 'b', 'a', 'grandchild', 'elsewhere'].map(ctx.name);
    const [, , , seqA] = await createDocuments(ctx.store(), [
      documentFor(root),
      documentFor(elsewhere),
      documentFor(b, { parents: [root] }),
      documentFor(a, { parents: [elsewhere, root] }),
      documentFor(grandchild, { parents: [a] }),
    ]);
    expect(await ctx.store().getHeirs(root)).toEqual([a, b]);
    const heirs = await ctx.store().getHeirDocuments(root);
    expect(heirs.map((h) => h.document._subject)).toEqual([a, b]);
    expect(heirs[0]!.document).toEqual(asStored(documentFor(a, { parents: [elsewhere, root] }), seqA));
    expect(await ctx.store().getHeirs(ctx.name('leaf'))).toEqual([]);
  });

  test('transitive heirs: every depth, each once, sorted, never the subject even through a cycle', async () => {
    const [root, b, a, grandchild, loop, unrelated, elsewhere] = [
      'root',
      'b',
      'a',
      'grandchild',
      'loop',
      'unrelated',
      'elsewhere',
    ].map(ctx.name);
    await createDocuments(ctx.store(), [
      documentFor(root, { parents: [loop] }),
      documentFor(b, { parents: [root] }),
      documentFor(a, { parents: [root, b] }),
      documentFor(grandchild, { parents: [a] }),
      documentFor(loop, { parents: [grandchild] }),
      documentFor(elsewhere),
      documentFor(unrelated, { parents: [elsewhere] }),
    ]);
    expect(await ctx.store().getTransitiveHeirs(root)).toEqual([a, b, grandchild, loop].sort());
    expect(await ctx.store().getTransitiveHeirs(grandchild)).toEqual([a, b, loop, root].sort());
    expect(await ctx.store().getTransitiveHeirs(ctx.name('leaf'))).toEqual([]);
  });

  test('an heir leaves the list when it stops inheriting or is deleted', async () => {
    const [root, stays, moves, goes] = ['root', 'stays', 'moves', 'goes'].map(ctx.name);
    const seqs = await createDocuments(ctx.store(), [
      documentFor(root),
      documentFor(stays, { parents: [root] }),
      documentFor(moves, { parents: [root] }),
      documentFor(goes, { parents: [root] }),
    ]);
    await ctx.store().write(async (tx) => {
      await tx.updateDocument(documentFor(moves), seqs[2]);
      await tx.deleteDocument(goes, seqs[3]);
    });
    expect(await ctx.store().getHeirs(root)).toEqual([stays]);
  });
}

export function describeSharedWith(ctx: ConformanceContext): void {
  test('subjects shared with any of the principals, sorted and distinct', async () => {
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((p) => `https://issuer.example#${ctx.name(p)}`);
    const [d1, d2, d3] = ['d1', 'd2', 'd3'].map(ctx.name);
    await createDocuments(ctx.store(), [
      documentFor(d2, { sharedWith: [alice, bob] }),
      documentFor(d1, { sharedWith: [bob] }),
      documentFor(d3, { sharedWith: [carol] }),
    ]);
    expect(await ctx.store().getSubjectsSharedWith([alice])).toEqual([d2]);
    expect(await ctx.store().getSubjectsSharedWith([alice, bob])).toEqual([d1, d2]);
    expect(await ctx.store().getSubjectsSharedWith([])).toEqual([]);
  });

  test('follows _metadata.sharedWith through update and delete', async () => {
    const [alice, bob] = ['alice', 'bob'].map((p) => `https://issuer.example#${ctx.name(p)}`);
    const [kept, changed, removed] = ['kept', 'changed', 'removed'].map(ctx.name);
    const seqs = await createDocuments(ctx.store(), [
      documentFor(kept, { sharedWith: [alice] }),
      documentFor(changed, { sharedWith: [alice] }),
      documentFor(removed, { sharedWith: [alice] }),
    ]);
    await ctx.store().write(async (tx) => {
      await tx.updateDocument(documentFor(changed, { sharedWith: [bob] }), seqs[1]);
      await tx.deleteDocument(removed);
    });
    expect(await ctx.store().getSubjectsSharedWith([alice])).toEqual([kept]);
    expect(await ctx.store().getSubjectsSharedWith([bob])).toEqual([changed]);
  });

  test('shared-with-and-heirs adds every transitive heir, once, cycles included', async () => {
    const alice = `https://issuer.example#${ctx.name('alice')}`;
    const [shared, child, grandchild, loop, unrelated] = ['shared', 'child', 'grandchild', 'loop', 'unrelated'].map(
      ctx.name,
    );
    await createDocuments(ctx.store(), [
      documentFor(shared, { sharedWith: [alice], parents: [loop] }),
      documentFor(child, { parents: [shared] }),
      documentFor(grandchild, { parents: [child, shared] }),
      documentFor(loop, { parents: [grandchild] }),
      documentFor(unrelated),
    ]);
    expect(await ctx.store().getSubjectsSharedWithAndHeirs([alice])).toEqual([child, grandchild, loop, shared].sort());
    expect(await ctx.store().getSubjectsSharedWithAndHeirs([])).toEqual([]);
  });
}
