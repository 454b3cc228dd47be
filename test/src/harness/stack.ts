import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { createLogger, type ApiDocs, type Service } from '@permissions/http-kit';
import { createResponseChecker, type RecordedResponse } from './openapi-responses';
import { loadConfig, SERVICE_NAMES, type Config, type ServiceName } from '@permissions/config';
import { startServices } from '@permissions/launcher';
import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { DEFAULT_CLIENT, startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';

export interface Stack {
  /** Base URL of the services' HTTP server. */
  url: string;
  /**
   * supertest bound to the running server (real HTTP). Every answer it receives is checked against the process's
   * OpenAPI document (route, status, headers, body); close() fails with what did not match.
   */
  http: supertest.Agent;
  /** The services the process serves, and its API documents. */
  services: Service[];
  api: ApiDocs;
  idp: DevIdp;
  db: TestDatabase;
  config: Config;
  /** Principals `{issuer}#{sub}` of the dev IdP users and of the services' client. */
  principals: { alice: string; bob: string; carol: string; dave: string; client: string };
  /** A fresh access token for a dev user, or for the services' client with 'client'. */
  token(who: 'alice' | 'bob' | 'carol' | 'dave' | 'client'): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real services (all four, or the named ones) on a free port over a fresh database of the test run's embedded
 * Postgres, trusting a dev identity provider started for the test file. `alice` governs `/`.
 */
export async function startStack(
  options: {
    services?: ServiceName[];
    /** Extra environment; a function gets the test's identity provider (e.g. for DEV_IDP_ISSUER). */
    env?: Record<string, string> | ((idp: DevIdp) => Record<string, string>);
  } = {},
): Promise<Stack> {
  const db = await createTestDatabase();
  const idp = await startDevIdp({ port: 0 });
  const principal = (name: string) => idp.principalOf(name);
  const principals = {
    alice: principal('alice'),
    bob: principal('bob'),
    carol: principal('carol'),
    dave: principal('dave'),
    client: `${idp.issuer}#${DEFAULT_CLIENT.clientId}`,
  };
  const config = loadConfig({
    DATABASE_URL: db.url,
    AUTH_ISSUERS: idp.issuer,
    PERMISSIONS_CLIENT_ID: DEFAULT_CLIENT.clientId,
    PERMISSIONS_CLIENT_SECRET: DEFAULT_CLIENT.secret,
    BOOTSTRAP_GOVERNORS: principals.alice,
    EVENTS_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(typeof options.env === 'function' ? options.env(idp) : options.env),
  });
  const log = createLogger('test', config.logLevel);
  const running = await startServices(options.services ?? [...SERVICE_NAMES], config, 0, log, { migrate: false });
  const url = `http://127.0.0.1:${running.port}`;
  const check = createResponseChecker(running.api.document() as unknown as Record<string, unknown>);
  const mismatches: string[] = [];
  return {
    url,
    http: checkedAgent(supertest.agent(url), (response) => mismatches.push(...check(response))),
    services: running.services,
    api: running.api,
    idp,
    db,
    config,
    principals,
    token: (who) => (who === 'client' ? idp.clientToken(DEFAULT_CLIENT.clientId) : idp.tokenFor(who)),
    close: async () => {
      await running.close();
      await idp.close();
      await db.drop();
      if (mismatches.length > 0) {
        throw new Error(`answers that do not match the OpenAPI document:\n${[...new Set(mismatches)].join('\n')}`);
      }
    },
  };
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/** The agent, with every answer of every request it makes handed to `record`. */
function checkedAgent(agent: supertest.Agent, record: (response: RecordedResponse) => void): supertest.Agent {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !(METHODS as readonly string[]).includes(property)) return value;
      return (url: string, ...rest: unknown[]) => {
        const request = (value as (...args: unknown[]) => supertest.Test).call(target, url, ...rest);
        request.on('response', (res: { status: number; headers: RecordedResponse['headers']; text?: string }) => {
          record({
            method: property.toUpperCase(),
            url,
            status: res.status,
            headers: res.headers,
            text: res.text ?? '',
          });
        });
        return request;
      };
    },
  });
}
