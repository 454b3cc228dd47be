import { ConflictError } from '@permissions/model';
import type { StoreTx } from '../../types';
import { createDocuments, documentFor, rejectionOf, teamWith, type ConformanceContext } from './context';

/** A promise and the function that settles it, to hold a write open while another one runs. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * What makes the services' checks hold at commit (CONTRACT §4.8): no document names a missing parent, whatever the
 * writes do, and the locks a write takes keep what it decided on from changing until it commits. `waitingForLock`
 * says whether some other session is blocked on a lock right now (an implementation without sessions answers by
 * its own means); tests poll it instead of sleeping.
 */
export function describeIntegrity(ctx: ConformanceContext): void {
  async function untilSomeoneWaits(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await ctx.waitingForLock())) {
      if (Date.now() > deadline) throw new Error('no write ever waited for the lock');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test('a document naming a parent that has no document is refused at commit, and nothing is stored', async () => {
    const [child, ghost] = ['child', 'ghost'].map(ctx.name);
    const before = await ctx.store().getLastSeq();
    const error = await rejectionOf(
      ctx.store().write((tx) => tx.createDocument(documentFor(child, { parents: [ghost] }))),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain(ghost);
    expect(await ctx.raw().document(child)).toBeNull();
    expect(await ctx.raw().events(before)).toEqual([]);
  });

  test('a parent still named by an heir cannot be deleted; with its heir in the same write it can', async () => {
    const [parent, heir] = ['parent', 'heir'].map(ctx.name);
    await createDocuments(ctx.store(), [documentFor(parent), documentFor(heir, { parents: [parent] })]);
    expect(await rejectionOf(ctx.store().write((tx) => tx.deleteDocument(parent)))).toBeInstanceOf(ConflictError);
    expect(await ctx.raw().document(parent)).not.toBeNull();
    await ctx.store().write(async (tx) => {
      await tx.deleteDocument(parent);
      await tx.deleteDocument(heir);
    });
    expect(await ctx.raw().document(parent)).toBeNull();
  });

  test('documents share-locked with their chain cannot be deleted until the locking write ends', async () => {
    const [top, middle, child] = ['top', 'middle', 'child'].map(ctx.name);
    await createDocuments(ctx.store(), [documentFor(top), documentFor(middle, { parents: [top] })]);
    const [locked, hold] = [gate(), gate()];
    const locking = ctx.store().write(async (tx) => {
      const chain = await tx.lockDocumentsWithAncestors([middle]);
      locked.open();
      await hold.opened;
      await tx.createDocument(documentFor(child, { parents: [middle] }));
      return [...chain.keys()].sort();
    });
    await locked.opened;
    const deleting = ctx.store().write((tx) => tx.deleteDocument(top));
    await untilSomeoneWaits();
    hold.open();
    expect((await locking).result).toEqual([middle, top].sort());
    // It waited for the child to commit, and a parent with heirs is not deleted.
    expect(await rejectionOf(deleting)).toBeInstanceOf(ConflictError);
    expect(await ctx.raw().document(child)).not.toBeNull();
  });

  test('lockDocumentsWithAncestors reads what it locked: a chain changed meanwhile is read as changed', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(ctx.name);
    const [, , seqC] = await createDocuments(ctx.store(), [
      documentFor(a),
      documentFor(b),
      documentFor(c, { parents: [a] }),
    ]);
    const [updated, hold] = [gate(), gate()];
    const changing = ctx.store().write(async (tx) => {
      await tx.updateDocument(documentFor(c, { parents: [b] }), seqC);
      updated.open();
      await hold.opened;
    });
    await updated.opened;
    const reading = ctx.store().write((tx) => tx.lockDocumentsWithAncestors([c]));
    await untilSomeoneWaits();
    hold.open();
    await changing;
    expect([...(await reading).result.keys()].sort()).toEqual([b, c].sort());
  });

  test('lockTeamsOfPrincipal: a member cannot be removed until the locking write ends', async () => {
    const member = `https://issuer.example#${ctx.name('member').slice(1)}`;
    const team = `/az-tm-${ctx.name('team').slice(1).replace(/\//g, '-')}`;
    const { seq } = await ctx.store().write((tx) => tx.createTeam(team, teamWith([member])));
    const [locked, hold] = [gate(), gate()];
    const locking = ctx.store().write(async (tx) => {
      const teams = await tx.lockTeamsOfPrincipal(member);
      locked.open();
      await hold.opened;
      return teams.map((t) => t.id);
    });
    await locked.opened;
    const removing = ctx.store().write((tx) => tx.updateTeam(team, teamWith([]), seq!));
    await untilSomeoneWaits();
    hold.open();
    expect((await locking).result).toEqual([team]);
    await removing;
    expect(await ctx.store().getTeamsOfPrincipal(member)).toEqual([]);
  });

  test('lockDocumentsForUpdate, getTeamMembers, countTeamsOfPrincipals, getHeirsDepth', async () => {
    const [a, b, c, d, none] = ['a', 'b', 'c', 'd', 'none'].map(ctx.name);
    await createDocuments(ctx.store(), [
      documentFor(a),
      documentFor(b, { parents: [a] }),
      documentFor(c, { parents: [b, a] }),
      documentFor(d, { parents: [c] }),
    ]);
    const [x, y] = ['x', 'y'].map((p) => `https://issuer.example#${ctx.name(p).slice(1)}`);
    const [t1, t2] = ['t1', 't2'].map((t) => `/az-tm-${ctx.name(t).slice(1).replace(/\//g, '-')}`);
    const { result } = await ctx.store().write(async (tx: StoreTx) => {
      await tx.createTeam(t1, teamWith([x, y]));
      await tx.createTeam(t2, teamWith([x]));
      return {
        locked: [...(await tx.lockDocumentsForUpdate([c, none, a])).keys()],
        members: await tx.getTeamMembers([t1, t2, '/az-tm-none']),
        counts: await tx.countTeamsOfPrincipals([x, y, 'https://issuer.example#nobody']),
        depths: [await tx.getHeirsDepth(a, 32), await tx.getHeirsDepth(c, 32), await tx.getHeirsDepth(d, 32)],
        capped: await tx.getHeirsDepth(a, 2),
      };
    });
    expect(result.locked).toEqual([a, c].sort());
    expect(result.members).toEqual(
      new Map([
        [t1, [x, y].sort()],
        [t2, [x]],
      ]),
    );
    expect(result.counts).toEqual(
      new Map([
        [x, 2],
        [y, 1],
      ]),
    );
    expect(result.depths).toEqual([3, 1, 0]);
    expect(result.capped).toBe(2);
  });

  test('a write aborted by a deadlock runs again and both writes succeed', async () => {
    const [a, b] = ['a', 'b'].map(ctx.name);
    const [seqA, seqB] = await createDocuments(ctx.store(), [documentFor(a), documentFor(b)]);
    const bothUpdated = [gate(), gate()];
    const runs = [0, 0];
    // Each updates its own document, waits until the other has too, then wants the other's: a deadlock that
    // Postgres breaks by aborting one, which the store runs again once the survivor has committed.
    const write = (n: 0 | 1, mine: string, mineSeq: number, theirs: string) =>
      ctx.store().write(async (tx) => {
        runs[n]++;
        await tx.updateDocument(documentFor(mine, { extra: { writer: n } }));
        bothUpdated[n].open();
        await bothUpdated[1 - n].opened;
        await tx.lockDocumentsWithAncestors([theirs]);
        return mineSeq;
      });
    const outcomes = await Promise.allSettled([write(0, a, seqA, b), write(1, b, seqB, a)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(runs[0] + runs[1]).toBe(3);
  });
}
