import { setTimeout as sleep } from 'node:timers/promises';
import axios, { type AxiosResponse } from 'axios';
import { z } from 'zod';
import { NotFoundError, UnavailableError } from '@permissions/model';
import type { Logger } from '@permissions/http-kit';

/** One legacy role as read: its name, its users (e-mails) and its raw permission entries. */
export interface LegacyRole {
  name: string;
  users: string[];
  /** `resourcePermission` entries, unchecked: placing them is the import's job (and may fail per entry). */
  permissions: unknown[];
}

export interface LegacyClient {
  /** Every role of the org with its users and permissions (reference §9.2 step 5). NotFoundError: no such org. */
  readOrg(org: string): Promise<LegacyRole[]>;
  /** Whether the legacy audit shows a role change of the org at or after `sinceMs` (reference §9.3, B10). */
  changedSince(org: string, sinceMs: number): Promise<boolean>;
}

export interface LegacyClientOptions {
  baseUrl: string;
  /** The services' client token for the legacy system (from the first configured issuer, W5). */
  token(): Promise<string>;
  /** Drops a token the legacy system refused, so the next `token()` fetches a new one. */
  forget(token: string): void;
  log: Logger;
  timeoutMs?: number;
  /** Attempts per request on 5xx and network errors (default 3). */
  attempts?: number;
  /** First backoff delay, doubled after each failed attempt (default 100 ms). */
  backoffMs?: number;
  /** Roles read at once (default 4): an import must not flood the legacy system. */
  concurrency?: number;
}

const RoleNames = z.array(z.string().min(1));
const Users = z.array(z.string());
const Permissions = z.object({ resourcePermission: z.array(z.unknown()) });
const Audit = z.union([z.object({ auditRecord: z.array(z.unknown()).optional() }).loose(), z.array(z.unknown())]);

/**
 * Reads the legacy RBAC management API with axios: TLS verified (W8: axios' default agent, never disabled),
 * a timeout per request, bounded retries with exponential backoff on 5xx and network errors, one retry with a fresh
 * token on 401. Answers are validated; anything unexpected is a 503, never data.
 */
export function createLegacyClient(options: LegacyClientOptions): LegacyClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  const concurrency = options.concurrency ?? 4;
  const http = axios.create({
    timeout: options.timeoutMs ?? 5000,
    maxRedirects: 0,
    headers: { accept: 'application/json' },
    validateStatus: () => true,
  });

  async function get<T>(path: string, schema: z.ZodType<T>, params?: Record<string, string>): Promise<T> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = await options.token();
      let response: AxiosResponse<unknown> | undefined;
      let failure: string;
      try {
        response = await http.get<unknown>(`${base}${path}`, {
          params,
          headers: { authorization: `Bearer ${token}` },
        });
        failure = `status ${response.status}`;
      } catch (err) {
        failure = axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
      }
      if (response?.status === 200) {
        const parsed = schema.safeParse(response.data);
        if (parsed.success) return parsed.data;
        throw unavailable(path, 'invalid answer');
      }
      if (response?.status === 401 && !refreshed) {
        refreshed = true;
        options.forget(token);
        continue;
      }
      if (response?.status === 404) throw new NotFoundError(`${path} does not exist in the legacy RBAC system`);
      const retryable = response === undefined || response.status >= 500;
      if (!retryable || attempt >= attempts) throw unavailable(path, failure);
      options.log.warn({ path, attempt, failure }, 'legacy RBAC request failed; retrying');
      await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }

  return {
    async readOrg(org) {
      const orgPath = `/v1/o/${encodeURIComponent(org)}/userroles`;
      const names = [...new Set(await get(orgPath, RoleNames))];
      const roles: LegacyRole[] = [];
      for (let i = 0; i < names.length; i += concurrency) {
        const batch = names.slice(i, i + concurrency);
        roles.push(
          ...(await Promise.all(
            batch.map(async (name) => {
              const rolePath = `${orgPath}/${encodeURIComponent(name)}`;
              const [users, permissions] = await Promise.all([
                get(`${rolePath}/users`, Users),
                get(`${rolePath}/permissions`, Permissions),
              ]).catch((err: unknown) => {
                // A role deleted while the org is read: the org exists, so this is a retry-later, never a 404.
                if (err instanceof NotFoundError) throw unavailable(rolePath, 'role vanished while reading');
                throw err;
              });
              return { name, users, permissions: permissions.resourcePermission };
            }),
          )),
        );
      }
      return roles;
    },
    async changedSince(org, sinceMs) {
      const audit = await get(`/v1/audits/organizations/${encodeURIComponent(org)}/userroles`, Audit, {
        expand: 'true',
        endTime: String(Math.floor(sinceMs)),
      });
      const records = Array.isArray(audit) ? audit : (audit.auditRecord ?? []);
      return records.length > 0;
    },
  };
}

function unavailable(path: string, reason: string): UnavailableError {
  return new UnavailableError('the legacy RBAC system could not be read', { path, reason });
}
