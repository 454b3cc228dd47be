import { randomUUID } from 'node:crypto';
import {
  base64url,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTPayload,
  type KeyLike,
} from 'jose';

export type SigningAlg = 'RS256' | 'ES256';
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256'];

/** How a test wants a token signed; the defaults give a token any verifier trusting this issuer accepts. */
export interface SignOptions {
  alg?: SigningAlg | 'none';
  /** `foreign`: a key this issuer never publishes, under the `kid` of its current key (a forged signature). */
  key?: 'own' | 'foreign';
  /** Overrides the `kid` header (e.g. a key id the issuer does not know). */
  kid?: string;
}

/** A private signing key as kept on disk: a JWK with its `kid` and `alg`. */
export type StoredSigningKey = JWK & { kid: string; alg: SigningAlg };

interface SigningKey {
  alg: SigningAlg;
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export interface KeyRing {
  /** The public keys, as served at `jwks_uri`: every key ever generated, so tokens survive a rotation. */
  jwks(): { keys: JWK[] };
  sign(payload: JWTPayload, options?: SignOptions): Promise<string>;
  /** Adds a new current key per algorithm (new kids); older keys stay published. Returns the new kids. */
  rotate(): Promise<Record<SigningAlg, string>>;
  currentKid(alg: SigningAlg): string;
  /** The current private keys, to be given back to `createKeyRing` after a restart. */
  exportCurrent(): Promise<StoredSigningKey[]>;
}

async function generate(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg.toLowerCase()}-${randomUUID()}`;
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

async function imported(stored: StoredSigningKey): Promise<SigningKey> {
  const privateKey = (await importJWK(stored, stored.alg)) as KeyLike;
  // The public half of a private JWK is the JWK without its private members.
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = stored;
  return { alg: stored.alg, kid: stored.kid, privateKey, publicJwk: { ...publicJwk, use: 'sig' } };
}

/**
 * The issuer's signing keys: one current key per algorithm, taken from `stored` when given (a restarted
 * development identity provider keeps its keys, so the tokens it issued stay valid), else generated.
 */
export async function createKeyRing(stored: readonly StoredSigningKey[] = []): Promise<KeyRing> {
  const published: SigningKey[] = [];
  const current = {} as Record<SigningAlg, SigningKey>;
  const foreign = {} as Record<SigningAlg, SigningKey>;
  for (const alg of SIGNING_ALGS) {
    const kept = stored.find((k) => k.alg === alg);
    current[alg] = kept ? await imported(kept) : await generate(alg);
    foreign[alg] = await generate(alg);
    published.push(current[alg]);
  }

  return {
    jwks: () => ({ keys: published.map((k) => k.publicJwk) }),
    currentKid: (alg) => current[alg].kid,
    async exportCurrent() {
      return Promise.all(
        SIGNING_ALGS.map(async (alg) => ({
          ...(await exportJWK(current[alg].privateKey)),
          kid: current[alg].kid,
          alg,
        })),
      );
    },
    async sign(payload, options = {}) {
      const alg = options.alg ?? 'RS256';
      if (alg === 'none') {
        // jose refuses to produce these on purpose; built by hand to prove verifiers refuse them too.
        const header = { alg: 'none', typ: 'JWT', kid: options.kid ?? current.RS256.kid };
        const encode = (part: object) => base64url.encode(JSON.stringify(part));
        return `${encode(header)}.${encode(payload)}.`;
      }
      const key = (options.key ?? 'own') === 'own' ? current[alg] : foreign[alg];
      return new SignJWT(payload)
        .setProtectedHeader({ alg, typ: 'JWT', kid: options.kid ?? current[alg].kid })
        .sign(key.privateKey);
    },
    async rotate() {
      const kids = {} as Record<SigningAlg, string>;
      for (const alg of SIGNING_ALGS) {
        current[alg] = await generate(alg);
        published.push(current[alg]);
        kids[alg] = current[alg].kid;
      }
      return kids;
    },
  };
}
