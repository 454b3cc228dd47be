import { ConflictError, NotFoundError, PreconditionFailedError } from '@permissions/model';
import { asStored, documentFor, rejectionOf, type ConformanceContext } from './context';

export function describeDocuments(ctx: ConformanceContext): void {
  test('create stores the document as given, its incarnation added, with an event of the same seq', async () => {
    const subject = ctx.name('doc');
    const document = documentFor(subject, { extra: { nested: { a: [1, 'two', null], b: 'ü€𝄞' }, flag: false } });
    const before = await ctx.store().getLastSeq();

    const written = await ctx.store().write((tx) => tx.createDocument(document));

    expect(written.result).toBe(written.seq);
    expect(await ctx.raw().document(subject)).toEqual({ seq: written.seq, data: asStored(document, written.seq) });
    const events = await ctx.raw().events(before);
    expect(events.map(({ seq, topic, action, subject: s }) => ({ seq, topic, action, subject: s }))).toEqual([
      { seq: written.seq, topic: 'permissions', action: 'create', subject },
    ]);
    expect(written.events).toEqual(events);
    expect(await ctx.store().getDocument(subject)).toEqual({
      document: asStored(document, written.seq),
      seq: written.seq,
    });
  });

  test('getDocument of an unknown subject is null', async () => {
    expect(await ctx.store().getDocument(ctx.name('nothing'))).toBeNull();
  });

  test('a second create of the same subject is a ConflictError and changes nothing', async () => {
    const subject = ctx.name('dup');
    const { seq } = await ctx.store().write((tx) => tx.createDocument(documentFor(subject)));
    const before = await ctx.store().getLastSeq();

    const error = await rejectionOf(
      ctx.store().write((tx) => tx.createDocument(documentFor(subject, { extra: { other: 1 } }))),
    );

    expect(error).toBeInstanceOf(ConflictError);
    expect(await ctx.raw().document(subject)).toEqual({ seq, data: asStored(documentFor(subject), seq) });
    expect(await ctx.raw().events(before)).toEqual([]);
  });

  test('update with the current seq replaces the document and appends an update event', async () => {
    const subject = ctx.name('upd');
    const { seq: first } = await ctx.store().write((tx) => tx.createDocument(documentFor(subject)));
    const changed = documentFor(subject, { extra: { changed: true } });

    const written = await ctx.store().write((tx) => tx.updateDocument(changed, first!));

    expect(written.seq).toBeGreaterThan(first!);
    expect(await ctx.raw().document(subject)).toEqual({ seq: written.seq, data: asStored(changed, first) });
    expect((await ctx.raw().events(first!)).map((e) => [e.seq, e.action, e.subject])).toEqual([
      [written.seq, 'update', subject],
    ]);
  });

  test('update without an expected seq overwrites whatever is there', async () => {
    const subject = ctx.name('upd-any');
    const { seq: created } = await ctx.store().write((tx) => tx.createDocument(documentFor(subject)));
    const changed = documentFor(subject, { extra: { v: 2 } });
    const { seq } = await ctx.store().write((tx) => tx.updateDocument(changed));
    expect(await ctx.store().getDocument(subject)).toEqual({ document: asStored(changed, created), seq });
  });

  test('update with a stale seq is a PreconditionFailedError (not 404) and changes nothing', async () => {
    const subject = ctx.name('stale');
    const { seq } = await ctx.store().write((tx) => tx.createDocument(documentFor(subject)));
    const before = await ctx.store().getLastSeq();

    const error = await rejectionOf(
      ctx.store().write((tx) => tx.updateDocument(documentFor(subject, { extra: { v: 2 } }), seq! - 1)),
    );

    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await ctx.raw().document(subject)).toEqual({ seq, data: asStored(documentFor(subject), seq) });
    expect(await ctx.raw().events(before)).toEqual([]);
  });

  test('update or delete of a missing document is a NotFoundError, with or without an expected seq', async () => {
    const subject = ctx.name('missing');
    for (const expected of [undefined, 1]) {
      expect(
        await rejectionOf(ctx.store().write((tx) => tx.updateDocument(documentFor(subject), expected))),
      ).toBeInstanceOf(NotFoundError);
      expect(await rejectionOf(ctx.store().write((tx) => tx.deleteDocument(subject, expected)))).toBeInstanceOf(
        NotFoundError,
      );
    }
    expect(await ctx.raw().document(subject)).toBeNull();
  });

  test('delete returns the deleted document and appends a delete event', async () => {
    const subject = ctx.name('del');
    const document = documentFor(subject);
    const { seq: created } = await ctx.store().write((tx) => tx.createDocument(document));

    const written = await ctx.store().write((tx) => tx.deleteDocument(subject, created!));

    expect(written.result.deleted).toEqual({ document: asStored(document, created), seq: created });
    expect(written.result.seq).toBe(written.seq);
    expect(await ctx.raw().document(subject)).toBeNull();
    expect((await ctx.raw().events(created!)).map((e) => [e.seq, e.action, e.subject])).toEqual([
      [written.seq, 'delete', subject],
    ]);
    // the subject can be created again
    await ctx.store().write((tx) => tx.createDocument(document));
    expect(await ctx.store().getDocument(subject)).not.toBeNull();
  });

  test('delete with a stale seq is a PreconditionFailedError and keeps the document', async () => {
    const subject = ctx.name('del-stale');
    const { seq } = await ctx.store().write((tx) => tx.createDocument(documentFor(subject)));
    expect(await rejectionOf(ctx.store().write((tx) => tx.deleteDocument(subject, seq! + 1000)))).toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await ctx.raw().document(subject)).toEqual({ seq, data: asStored(documentFor(subject), seq) });
  });

  test('getDocumentForUpdate reads the document inside a write', async () => {
    const subject = ctx.name('locked');
    const { seq } = await ctx.store().write((tx) => tx.createDocument(documentFor(subject)));
    const { result } = await ctx.store().write(async (tx) => ({
      found: await tx.getDocumentForUpdate(subject),
      missing: await tx.getDocumentForUpdate(ctx.name('none')),
    }));
    expect(result).toEqual({ found: { document: asStored(documentFor(subject), seq), seq }, missing: null });
  });
}
