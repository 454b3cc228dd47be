import { visibilityFor, type Authorizer, type RequestCaller } from '@permissions/authorizer';
import {
  accessChanges,
  knowledgeAcross,
  parentsOf,
  type AccessChange,
  type PermissionsDocument,
} from '@permissions/model';
import type { StoreTx } from '@permissions/store';

/** Heirs whose changes a dry run computes at most (each costs a walk of its chain per principal and action). */
export const MAX_PREVIEW_HEIRS = 1000;

/** Subjects previewed between two turns of the event loop. */
const SLICE = 50;

export interface PatchPreview {
  /** subject → principal → property → actions gained (only subjects and principals with a change). */
  gains: Record<string, AccessChange>;
  losses: Record<string, AccessChange>;
  /** Present (true) when the document has more heirs than MAX_PREVIEW_HEIRS: the ones after it were not previewed. */
  heirsOmitted?: true;
}

/**
 * What a PATCH would change in who may do what (`PATCH …&dryRun=true`, CONTRACT §5), on the document and on its
 * heirs (at any depth), by `accessChanges` between the stored documents and the same with `after` in place of the
 * document. Only heirs whose content the caller may read (`admin`, CONTRACT §4.10) are previewed: who can access a
 * document is its content. The document itself is previewed for whoever may patch it (`govern`), as its PATCH
 * answers him the whole document. Runs inside the PATCH's write (on the same locked rows), which then stores nothing.
 */
export async function previewChange(
  tx: StoreTx,
  authorizer: Authorizer,
  caller: RequestCaller,
  after: PermissionsDocument,
): Promise<PatchPreview> {
  const subject = after._subject;
  const heirs = await tx.getTransitiveHeirs(subject);
  const considered = heirs.slice(0, MAX_PREVIEW_HEIRS);
  const before = await authorizer.lookup([subject, ...parentsOf(after), ...considered]);
  const patched = (s: string) => (s === subject ? after : before(s));
  const knowledge = knowledgeAcross(visibilityFor(before, caller), considered);
  const previewed = [subject, ...considered.filter((heir) => knowledge(heir) === 'content')];
  const preview: PatchPreview = { gains: byKey(), losses: byKey() };
  for (const [i, s] of previewed.entries()) {
    if (i > 0 && i % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const { gains, losses } = accessChanges(before, patched, s);
    if (Object.keys(gains).length > 0) preview.gains[s] = gains;
    if (Object.keys(losses).length > 0) preview.losses[s] = losses;
  }
  if (heirs.length > considered.length) preview.heirsOmitted = true;
  return preview;
}

/** Keyed by subjects, which may be any string (`__proto__` too). */
function byKey(): Record<string, AccessChange> {
  return Object.create(null) as Record<string, AccessChange>;
}
