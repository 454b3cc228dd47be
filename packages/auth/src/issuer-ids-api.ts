import axios from 'axios';
import { z } from 'zod';
import { UnavailableError } from '@permissions/model';
import type { ClientCredentials } from './client-credentials';
import { describeFailure } from './issuer-discovery';
import { issuerApiUrl } from './issuer-urls';

/** One user as the issuer's ids API describes it (reference §2.3). */
export interface IssuerUser {
  id: string;
  email?: string;
}

const UsersSchema = z.array(z.object({ id: z.string().min(1), email: z.string().optional() }));

export const EMAILS_PATH = '/v2/ids/Users/emails/';
export const IDS_PATH = '/v2/ids/Users/ids/';

/**
 * `POST {issuer}{path}` with a JSON array, authenticated with the services' client token from that issuer. A 401
 * means our cached token was revoked or the issuer restarted: it is dropped and the call retried once.
 */
export async function queryIssuerUsers(
  issuer: string,
  path: typeof EMAILS_PATH | typeof IDS_PATH,
  values: readonly string[],
  credentials: ClientCredentials,
  timeoutMs: number,
): Promise<IssuerUser[]> {
  for (let attempt = 1; ; attempt++) {
    const token = await credentials.tokenFor(issuer);
    try {
      const response = await axios.post<unknown>(issuerApiUrl(issuer, path), values, {
        timeout: timeoutMs,
        maxRedirects: 0,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      });
      const parsed = UsersSchema.safeParse(response.data);
      if (!parsed.success) {
        throw new UnavailableError(`identity provider ${issuer} gave an invalid answer`, { reason: 'invalid ids' });
      }
      return parsed.data;
    } catch (err) {
      if (err instanceof UnavailableError) throw err;
      if (attempt === 1 && axios.isAxiosError(err) && err.response?.status === 401) {
        credentials.forget(issuer, token);
        continue;
      }
      throw new UnavailableError(`identity provider ${issuer} could not look up principals`, {
        reason: describeFailure(err),
      });
    }
  }
}
