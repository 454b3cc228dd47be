import { LRUCache } from 'lru-cache';
import {
  ANYONE,
  BadRequestError,
  INCOGNITO,
  ISSUER_ANYONE_SUFFIX,
  looksLikeEmail,
  TEAM_PREFIX,
} from '@permissions/model';
import type { ClientCredentials } from './client-credentials';
import { createLookupThrottle, type ThrottlePolicy } from './lookup-throttle';
import { EMAILS_PATH, IDS_PATH, queryIssuerUsers, type IssuerUser } from './issuer-ids-api';
import { findTrustedIssuer, parseTrustedIssuers } from './issuer-urls';

export interface PrincipalNormaliser {
  /**
   * Checks principals written into a document or a team (reference §2.3) and returns them with e-mails replaced by
   * ids, duplicates removed and order kept. 400 for a malformed, untrusted or unknown principal; 503 when an issuer
   * cannot be asked; 429 when the acting principal has found too many unknown e-mails or ids lately.
   */
  normalise(principals: readonly string[], on?: OnBehalfOf): Promise<string[]>;
  /**
   * The same checks for principals gathered from many lists (a whole document), in one batch per issuer: each given
   * value → its normalised form. De-duplicating each list after mapping is the caller's job.
   */
  resolve(principals: readonly string[], on?: OnBehalfOf): Promise<Map<string, string>>;
  /**
   * The values among `principals` that `normalise` would refuse as malformed or untrusted without asking anyone
   * (no I/O, nothing throttled): a bulk write names every refused document before looking anything up.
   */
  malformed(principals: readonly string[]): string[];
  /**
   * A trusted issuer in its configured spelling, when `issuer` names one but for a trailing slash; anything else
   * unchanged. Principals are always written with it, so that one issuer is spelt one way in every document.
   */
  canonicalIssuer(issuer: string): string;
}

/**
 * Whose request the lookups serve (issue 18 item 4). With an `actor`, lookups are bounded per request, unknown ones
 * are throttled per actor, and an error lists only the first few unknown values (what an administrator needs to fix
 * his request, not an oracle of who has an account). Without one (the services' own work, such as a migration) none
 * of that applies and every unknown value is listed.
 */
export interface OnBehalfOf {
  /** The acting principal (`null`: a request without one, throttled as one anonymous actor). */
  actor: string | null;
  /** Principals already stored (checked when they were written): not looked up again, so not counted; nor is the actor. */
  verified?: Iterable<string>;
  /**
   * Ids (`{issuer}#{uuid}`, not e-mails) this request may look up, counted apart from e-mails. Unset: ids and e-mails
   * share the per-request bound. Ids cannot be guessed, so a larger bound for them tells nobody who has an account;
   * an unknown id still costs a token of the throttle. A bulk write, which names many users, sets it.
   */
  idLookups?: number;
}

export interface PrincipalNormaliserOptions {
  issuers: readonly string[];
  credentials: ClientCredentials;
  /** How long a confirmed e-mail → id mapping or an existing id is trusted without asking again (5 min). */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  fetchTimeoutMs?: number;
  /** E-mails or ids not yet confirmed that one request on behalf of an actor may look up (100). */
  maxLookupsPerRequest?: number;
  /** Unknown e-mails or ids an actor may look up (DEFAULT_UNKNOWN_LOOKUPS: 20 at once, 20 a minute). */
  unknownLookups?: ThrottlePolicy;
  /** Unknown values an error names to an actor (5). */
  maxListedUnknown?: number;
  now?: () => number;
}

export const MAX_LOOKUPS_PER_REQUEST = 100;
const MAX_LISTED_UNKNOWN = 5;

export const MALFORMED_PRINCIPAL_MSG =
  'users and clients must be of the form {issuer}#{id} where issuer is a trusted issuer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Client ids: the check the original meant to make (W13), so arbitrary strings are not stored as principals. */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:~-]{0,255}$/;

type Kind = 'email' | 'uuid';
interface Lookup {
  value: string;
  /** The configured issuer, asked through its ids API and written in the principal. */
  issuer: string;
  kind: Kind;
  id: string;
}

export function createPrincipalNormaliser(options: PrincipalNormaliserOptions): PrincipalNormaliser {
  const issuers = parseTrustedIssuers(options.issuers);
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 5000;
  // Only confirmed answers are cached: an unknown e-mail may be registered a minute later.
  const confirmed = new LRUCache<string, string>({
    max: options.cacheMaxEntries ?? 10_000,
    ttl: options.cacheTtlMs ?? 300_000,
  });
  const cacheKey = (l: Pick<Lookup, 'issuer' | 'kind' | 'id'>) => `${l.kind} ${l.issuer}#${l.id.toLowerCase()}`;
  const maxLookups = options.maxLookupsPerRequest ?? MAX_LOOKUPS_PER_REQUEST;
  const maxListed = options.maxListedUnknown ?? MAX_LISTED_UNKNOWN;
  const throttle = createLookupThrottle({ policy: options.unknownLookups, now: options.now });

  /** Classifies one value: the final string when no lookup is needed, else what to look up. */
  function classify(value: string): string | Lookup {
    if (value.startsWith(TEAM_PREFIX) || value === ANYONE || value === INCOGNITO) return value;
    const hash = value.indexOf('#');
    const written = hash < 0 ? '' : value.slice(0, hash);
    const id = hash < 0 ? '' : value.slice(hash + 1);
    // Issuers are written in their configured spelling, as tokens' principals are: `{iss}/#anyone` kept as written
    // would never match a token of `{iss}` (CONTRACT §4.10).
    const issuer = findTrustedIssuer(issuers, written);
    if (issuer === undefined || id.length === 0) {
      throw new BadRequestError(`${MALFORMED_PRINCIPAL_MSG}: ${value}`, { principal: value });
    }
    if (`#${id}` === ISSUER_ANYONE_SUFFIX) return `${issuer}#${id}`;
    if (looksLikeEmail(id)) return { value, issuer, kind: 'email', id };
    if (UUID.test(id)) return { value, issuer, kind: 'uuid', id };
    if (CLIENT_ID.test(id)) return `${issuer}#${id}`;
    throw new BadRequestError(`${MALFORMED_PRINCIPAL_MSG}: ${value}`, { principal: value });
  }

  /** Asks each issuer once per kind, concurrently; records what it confirmed in `found` and in the cache. */
  async function askIssuers(lookups: Lookup[], found: Map<string, string>): Promise<void> {
    const batches = new Map<string, Lookup[]>();
    for (const lookup of lookups) {
      const key = `${lookup.kind} ${lookup.issuer}`;
      const batch = batches.get(key);
      if (batch) batch.push(lookup);
      else batches.set(key, [lookup]);
    }
    await Promise.all(
      [...batches.values()].map(async (batch) => {
        const { issuer, kind } = batch[0];
        const values = [...new Set(batch.map((l) => l.id))];
        const path = kind === 'email' ? EMAILS_PATH : IDS_PATH;
        const users = await queryIssuerUsers(issuer, path, values, options.credentials, fetchTimeoutMs);
        for (const user of users) {
          const confirms = keyOf(user, kind);
          if (confirms === null) continue;
          const key = cacheKey({ issuer, kind, id: confirms });
          found.set(key, user.id);
          confirmed.set(key, user.id);
        }
      }),
    );
  }

  async function resolveAll(principals: readonly string[], on?: OnBehalfOf): Promise<Map<string, string>> {
    // The acting principal comes from a verified token: asking the issuer whether it exists would tell nothing.
    const verified = new Set([...(on?.verified ?? []), ...(on?.actor ? [on.actor] : [])]);
    const classified = principals.map((value) => (verified.has(value) ? value : classify(value)));
    const lookups = classified.filter((c): c is Lookup => typeof c !== 'string');
    // Answers for this call are kept apart from the bounded cache, which could evict them mid-call.
    const found = new Map<string, string>();
    const unconfirmed = new Map<string, Lookup>();
    for (const lookup of lookups) {
      const id = confirmed.get(cacheKey(lookup));
      if (id === undefined) unconfirmed.set(cacheKey(lookup), lookup);
      else found.set(cacheKey(lookup), id);
    }
    const asked = [...unconfirmed.values()];
    const actor = on === undefined ? undefined : (on.actor ?? 'anonymous');
    if (actor !== undefined) assertLookupBounds(asked, maxLookups, on?.idLookups);
    if (asked.length > 0) {
      if (actor !== undefined) throttle.reserve(actor, asked.length);
      let answered = false;
      try {
        await askIssuers(asked, found);
        answered = true;
      } finally {
        // Values the issuer confirmed cost nothing; when it could not be asked, the caller learns nothing.
        const free = answered ? asked.filter((l) => found.has(cacheKey(l))).length : asked.length;
        if (actor !== undefined) throttle.refund(actor, free);
      }
    }

    const missing = (kind: Kind) =>
      unique(lookups.filter((l) => l.kind === kind && !found.has(cacheKey(l))).map((l) => l.value));
    const refuse = (msg: string, ids: string[]) => {
      if (actor === undefined || ids.length <= maxListed) return new BadRequestError(msg, { ids });
      return new BadRequestError(`${msg} (the first ${maxListed} are listed)`, { ids: ids.slice(0, maxListed) });
    };
    const missingEmails = missing('email');
    if (missingEmails.length > 0) throw refuse('invalid email IDs', missingEmails);
    const missingIds = missing('uuid');
    if (missingIds.length > 0) throw refuse('invalid principal IDs', missingIds);

    return new Map(
      classified.map((c, i) => [
        principals[i],
        typeof c === 'string' ? c : `${c.issuer}#${found.get(cacheKey(c)) ?? c.id}`,
      ]),
    );
  }

  return {
    async normalise(principals, on) {
      const resolved = await resolveAll(principals, on);
      return unique(principals.map((p) => resolved.get(p) ?? p));
    },
    resolve: resolveAll,
    malformed(principals) {
      return unique(
        principals.filter((principal) => {
          try {
            classify(principal);
            return false;
          } catch (error) {
            if (error instanceof BadRequestError) return true;
            throw error;
          }
        }),
      );
    },
    canonicalIssuer: (issuer) => findTrustedIssuer(issuers, issuer) ?? issuer,
  };
}

/** 400 naming the bound when a request on behalf of an actor would look up too many values not yet known. */
function assertLookupBounds(asked: readonly Lookup[], maxLookups: number, idLookups: number | undefined): void {
  if (idLookups === undefined) {
    if (asked.length > maxLookups) {
      throw new BadRequestError(
        `at most ${maxLookups} e-mails or ids not yet known may be looked up in one request (this one names ${asked.length})`,
        { limit: maxLookups },
      );
    }
    return;
  }
  const emails = asked.filter((lookup) => lookup.kind === 'email').length;
  if (emails > maxLookups) {
    throw new BadRequestError(
      `at most ${maxLookups} e-mails not yet known may be looked up in one request (this one names ${emails})`,
      { limit: maxLookups },
    );
  }
  if (asked.length - emails > idLookups) {
    throw new BadRequestError(
      `at most ${idLookups} ids not yet known may be looked up in one request (this one names ${asked.length - emails})`,
      { limit: idLookups },
    );
  }
}

/** The e-mail or id an answer confirms; e-mails and UUIDs compare case-insensitively. */
function keyOf(user: IssuerUser, kind: Kind): string | null {
  if (kind === 'uuid') return user.id;
  return user.email ?? null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
