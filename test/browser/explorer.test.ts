import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { DEFAULT_CLIENT, startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';
import { contractEnv, startProcess, type ServiceProcess } from '@permissions/test-support/harness';

/**
 * The explorer as an administrator uses it, in Debian's Chromium driven by playwright-core, against the all-in-one
 * started as its own process (as `pnpm start` does, with the development identity provider): sign in with one
 * click, open a resource, expand its heirs, see a principal's access and why, ask a question, edit and save, meet
 * a 412 when someone else changed the document in between, and look at a team. A screenshot of every step is kept
 * under test/browser/output/.
 */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(__dirname, 'output');
const ORG = 'http://example.com/explorer-org';
const PROJECT = `${ORG}/project`;
const DOC = `${PROJECT}/doc-1`;

let db: TestDatabase;
let idp: DevIdp;
let service: ServiceProcess;
let profile: string;
let context: BrowserContext;
let page: Page;
let team: string;

async function api(method: string, url: string, who: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(service.url + url, {
    method,
    headers: {
      authorization: `Bearer ${await idp.tokenFor(who)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    location: res.headers.get('location'),
    body: text ? JSON.parse(text) : null,
  };
}

async function shot(name: string) {
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does`);
  }
  await mkdir(OUTPUT, { recursive: true });
  db = await createTestDatabase();
  idp = await startDevIdp({ port: 0 });
  service = await startProcess('all-in-one', {
    ...contractEnv({
      databaseUrl: db.url,
      issuers: [idp.issuer],
      governors: [idp.principalOf('alice')],
      eventsSecret: 'explorer-browser-test-secret',
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.secret,
    }),
    DEV_IDP_ISSUER: idp.issuer,
    DEV_IDP_USERS: 'alice,bob,carol,dave',
  });

  const P = (who: string) => idp.principalOf(who);
  const org = await api('POST', '/az-permissions', 'alice', {
    _subject: ORG,
    _self: { govern: [P('alice')], read: [P('alice')] },
    _permissionsHeirs: { add: [P('alice')], remove: [P('alice')] },
  });
  expect(org.status).toBe(201);
  const created = await api('POST', '/az-teams', 'alice', {
    isA: 'Team',
    name: 'Project readers',
    members: [P('carol'), P('alice')],
    _permissions: { _inheritsPermissionsOf: [ORG], _self: { update: [P('alice')] } },
  });
  expect(created.status).toBe(201);
  team = created.location as string;
  for (const doc of [
    {
      _subject: PROJECT,
      _inheritsPermissionsOf: [ORG],
      _self: { read: [P('bob'), team], update: [P('bob')] },
      _permissionsHeirs: { add: [P('alice')] },
    },
    { _subject: DOC, _inheritsPermissionsOf: [PROJECT], _self: { delete: [P('dave')] } },
  ]) {
    expect((await api('POST', '/az-permissions', 'alice', doc)).status).toBe(201);
  }

  profile = await mkdtemp(path.join(tmpdir(), 'explorer-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 860 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await service?.stop();
  await idp?.close();
  await db?.drop();
});

test('sign in with one click as a development user', async () => {
  await page.goto(`${service.url}/explorer`);
  const alice = page.getByRole('button', { name: 'Sign in as alice' });
  await alice.waitFor();
  await shot('01-sign-in');
  await alice.click();
  await page.getByText('Signed in as').waitFor();
  await expect(page.locator('.who').textContent()).resolves.toContain('alice');
});

test('open a resource by typing it (keyboard only): its document with the ETag', async () => {
  await page.getByLabel(/^Resource/).focus();
  await page.keyboard.type(PROJECT);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Document' }).waitFor();
  const stored = await api('GET', `/az-permissions?${PROJECT}`, 'alice');
  await expect(page.getByTestId('etag').textContent()).resolves.toBe(stored.etag);
  await expect(page.locator('pre.json').first().textContent()).resolves.toContain(`"_subject": "${PROJECT}"`);
  await shot('02-resource');
});

test('its inheritance: the ancestor drawn upwards, heirs expanded on demand', async () => {
  const tree = page.locator('section.tree');
  await expect(tree.locator('.ancestors code', { hasText: ORG }).count()).resolves.toBe(1);
  await expect(tree.getByText(DOC).count()).resolves.toBe(0);
  await tree.getByRole('button', { name: `Show heirs of ${PROJECT}`, exact: true }).click();
  await tree.getByText(DOC).waitFor();
  const toggle = tree.getByRole('button', { name: `Hide heirs of ${PROJECT}`, exact: true });
  await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
  await shot('03-tree');
});

test("a principal's access, and why (the document chain, while the explain route is absent)", async () => {
  const bob = idp.principalOf('bob');
  const table = page.locator('table.access');
  const read = table.getByRole('button', { name: `${bob}, read: allowed. Explain` });
  const govern = table.getByRole('button', { name: `${bob}, govern: not granted. Explain` });
  await expect(read.count()).resolves.toBe(1);
  await expect(govern.count()).resolves.toBe(1);
  // carol is named nowhere but through the team: her row comes from the team's members.
  await expect(
    table.getByRole('button', { name: `${idp.principalOf('carol')}, read: allowed. Explain` }).count(),
  ).resolves.toBe(1);
  await read.click();
  const why = page.locator('section.explanation');
  await why.getByText('grants, through the entry').waitFor();
  await expect(why.textContent()).resolves.toContain(PROJECT);
  await shot('04-access');
});

test('ask a question and see the answer of /az-is-allowed and why', async () => {
  const form = page.locator('form.question');
  await form.getByLabel('Action').fill('update');
  await form.getByRole('button', { name: 'Ask' }).click();
  const answer = page.locator('.answer');
  await answer.getByText('/az-allowed-actions').waitFor();
  // alice is not named for update on the project; she governs the org, which grants admin and govern only.
  await expect(answer.locator('.verdict').textContent()).resolves.toContain('null');
  await shot('05-question');
});

test('edit and save a document (If-Match with its ETag)', async () => {
  const before = await api('GET', `/az-permissions?${PROJECT}`, 'alice');
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByLabel(/^Document \(JSON/);
  const text = JSON.parse(await editor.inputValue());
  text._self.read.push(idp.principalOf('dave'));
  await editor.fill(JSON.stringify(text, null, 2));
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved: the document now has ETag').waitFor();
  const after = await api('GET', `/az-permissions?${PROJECT}`, 'alice');
  expect(after.body._self.read).toEqual([...before.body._self.read, idp.principalOf('dave')]);
  expect(after.etag).not.toBe(before.etag);
  await page.locator('[data-testid=etag]', { hasText: after.etag as string }).waitFor();
  await shot('06-saved');
});

test('preview who would gain and lose access before saving (the dry run): nothing is stored', async () => {
  const before = await api('GET', `/az-permissions?${PROJECT}`, 'alice');
  const bob = idp.principalOf('bob');
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByLabel(/^Document \(JSON/);
  const text = JSON.parse(await editor.inputValue());
  text._self.read = text._self.read.filter((principal: string) => principal !== bob);
  await editor.fill(JSON.stringify(text, null, 2));
  // offered because the PATCH operation of /openapi.json mentions dryRun
  await page.getByRole('button', { name: 'Preview gains and losses' }).click();
  await page.getByRole('heading', { name: 'If saved' }).waitFor();
  const [gains, losses] = await page.locator('.preview pre').allTextContents();
  expect(JSON.parse(gains)).toEqual({});
  // bob reads the project and, through it, its document: he would lose both
  expect(JSON.parse(losses)).toEqual({
    [PROJECT]: { [bob]: { _self: ['read'] } },
    [DOC]: { [bob]: { _self: ['read'] } },
  });
  await shot('06b-preview');
  const after = await api('GET', `/az-permissions?${PROJECT}`, 'alice');
  expect([after.etag, after.body._self.read]).toEqual([before.etag, before.body._self.read]);
  await page.getByRole('button', { name: 'Cancel' }).click();
});

test('the validation message of the API is shown before anything is sent', async () => {
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByLabel(/^Document \(JSON/);
  const text = JSON.parse(await editor.inputValue());
  text._constraints = { wideningForbiden: true };
  await editor.fill(JSON.stringify(text));
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').getByText('unknown constraint "_constraints.wideningForbiden"').waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
});

test('a change made by someone else in between is a 412 conflict, with a way to reload', async () => {
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByLabel(/^Document \(JSON/);
  const mine = JSON.parse(await editor.inputValue());
  mine._self.delete = [idp.principalOf('bob')];
  await editor.fill(JSON.stringify(mine, null, 2));

  const current = await api('GET', `/az-permissions?${PROJECT}`, 'alice');
  const theirs = await api(
    'PATCH',
    `/az-permissions?${PROJECT}`,
    'alice',
    { _self: { ...current.body._self, update: [idp.principalOf('carol')] } },
    { 'content-type': 'application/merge-patch+json', 'if-match': current.etag as string },
  );
  expect(theirs.status).toBe(200);

  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Someone else changed this document' }).waitFor();
  await shot('07-conflict');
  const unchanged = await api('GET', `/az-permissions?${PROJECT}`, 'alice');
  expect(unchanged.body._self.delete).toBeUndefined();

  await page.getByRole('button', { name: 'Reload the current version' }).click();
  await page.getByText(`this is the current version (ETag ${theirs.etag})`).waitFor();
  expect(JSON.parse(await editor.inputValue())._self.update).toEqual([idp.principalOf('carol')]);
  await page.getByRole('button', { name: 'Cancel' }).click();
});

test('a team: its members and roles, and the resources it reaches', async () => {
  await page.getByRole('button', { name: 'Teams' }).click();
  await page.getByRole('button', { name: team }).click();
  await page.getByRole('heading', { name: 'Project readers' }).waitFor();
  const reach = page.locator('section', { has: page.getByRole('heading', { name: 'Resources its members reach' }) });
  await reach.getByRole('button', { name: DOC }).waitFor();
  await expect(reach.getByRole('button', { name: PROJECT, exact: true }).count()).resolves.toBe(1);
  await shot('08-team');
});
