import type { PrincipalNormaliser } from '@permissions/auth';
import { BadRequestError, looksLikeEmail } from '@permissions/model';

/**
 * The legacy users (e-mails) as principals of `issuer`, in one batch through the issuer's ids API. Unknown e-mails
 * (and values that are not e-mails) are returned apart, so the import reports them instead of failing or silently
 * dropping them (reference §9.2 step 6).
 */
export async function resolveLegacyUsers(
  normaliser: PrincipalNormaliser,
  issuer: string,
  emails: readonly string[],
): Promise<{ principals: Map<string, string>; unknown: string[] }> {
  const unknown = new Set(emails.filter((email) => !looksLikeEmail(email)));
  let pending = [...new Set(emails.filter((email) => !unknown.has(email)))];
  // The normaliser refuses a whole batch naming unknown e-mails and says which; asking again without them is served
  // from its cache of confirmed answers. A round that removes nothing rethrows, so this ends.
  while (pending.length > 0) {
    try {
      const resolved = await normaliser.resolve(pending.map((email) => `${issuer}#${email}`));
      const principals = new Map(pending.map((email) => [email, resolved.get(`${issuer}#${email}`) ?? email]));
      return { principals, unknown: [...unknown].sort() };
    } catch (err) {
      const refused = new Set(refusedValues(err, issuer));
      const remaining = pending.filter((email) => !refused.has(email));
      if (remaining.length === pending.length) throw err;
      for (const email of refused) unknown.add(email);
      pending = remaining;
    }
  }
  return { principals: new Map(), unknown: [...unknown].sort() };
}

/** The e-mails a BadRequestError of the normaliser names (`ids` or `principal`), without the issuer prefix. */
function refusedValues(err: unknown, issuer: string): string[] {
  if (!(err instanceof BadRequestError)) return [];
  const named = [err.details.ids, err.details.principal].flat();
  const prefix = `${issuer}#`;
  return named
    .filter((value): value is string => typeof value === 'string' && value.startsWith(prefix))
    .map((value) => value.slice(prefix.length));
}
