import { documentTree, shuffled, type ServiceProcess, type TreeDocument } from '@permissions/test-support/harness';
import { startCluster, type Cluster, type User } from './support';

/**
 * CONTRACT §5: 10 000 documents of a tree, shuffled (heirs before their parents), imported in one request to a
 * maintenance process, decide every question exactly as the same documents created one by one, and a runtime in
 * another process sees them all when asked with `atLeast` the import's sequence.
 */
const COUNT = 10_000;
const USERS: User[] = ['alice', 'bob', 'carol', 'dave'];
const QUESTIONS: Array<{ action: string; property?: string }> = [
  { action: 'read' },
  { action: 'update' },
  { action: 'delete' },
  { action: 'create' },
  { action: 'govern' },
  { action: 'admin' },
  { action: 'add', property: '_permissionsHeirs' },
  { action: 'read', property: 'notes' },
];
const PER_QUESTION = 1000;

let cluster: Cluster;
let maintenance: ServiceProcess;
let runtime: ServiceProcess;
const tokens = {} as Record<User, string>;

beforeAll(async () => {
  cluster = await startCluster();
  [maintenance, runtime] = await Promise.all([cluster.start('maintenance'), cluster.start('runtime')]);
  for (const user of USERS) tokens[user] = await cluster.token(user);
}, 120_000);
afterAll(() => cluster?.close());

const headers = (user: User) => ({ authorization: `Bearer ${tokens[user]}`, 'content-type': 'application/json' });

async function post(url: string, user: User, body: unknown): Promise<{ status: number; body: unknown; seq: number }> {
  const res = await fetch(url, { method: 'POST', headers: headers(user), body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), seq: Number(res.headers.get('x-event-sequence') ?? 0) };
}

/** Creates the documents one by one, parents first, a level at a time (the documents of a level in parallel). */
async function createOneByOne(tree: TreeDocument[]): Promise<number> {
  const depth = new Map<string, number>();
  for (const document of tree) {
    depth.set(
      document._subject,
      1 + Math.max(0, ...(document._inheritsPermissionsOf ?? []).map((p) => depth.get(p) ?? 0)),
    );
  }
  const levels = new Map<number, TreeDocument[]>();
  for (const document of tree) {
    const level = depth.get(document._subject) as number;
    levels.set(level, [...(levels.get(level) ?? []), document]);
  }
  let seq = 0;
  for (const level of [...levels.keys()].sort((a, b) => a - b)) {
    const pending = [...(levels.get(level) as TreeDocument[])];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let document = pending.pop(); document; document = pending.pop()) {
          const created = await post(`${maintenance.url}/az-permissions`, 'alice', document);
          if (created.status !== 201)
            throw new Error(`${document._subject}: ${created.status} ${JSON.stringify(created.body)}`);
          seq = Math.max(seq, created.seq);
        }
      }),
    );
  }
  return seq;
}

/** The stored documents under a root, keyed by their path below it, without what differs by nature (times, identity). */
async function storedUnder(root: string): Promise<Map<string, unknown>> {
  const { rows } = await cluster.db.pool.query<{ subject: string; data: Record<string, unknown> }>(
    `SELECT subject, data FROM permissions WHERE subject = $1 OR starts_with(subject, $1 || '/')`,
    [root],
  );
  const relative = (value: unknown): unknown => JSON.parse(JSON.stringify(value).split(root).join('{root}'));
  return new Map(
    rows.map(({ subject, data }) => {
      const { created: _c, modified: _m, incarnation: _i, ...metadata } = data._metadata as Record<string, unknown>;
      return [subject.slice(root.length), relative({ ...data, _metadata: metadata })];
    }),
  );
}

test(`${COUNT} shuffled documents in one request decide every question as the same created one by one`, async () => {
  const alice = cluster.principal('alice');
  const others = (['bob', 'carol', 'dave'] as const).map((user) => cluster.principal(user));
  const [bulkRoot, oneRoot] = ['https://bulk.example.com/tree', 'https://one.example.com/tree'];
  const tree = (root: string) => documentTree({ root, count: COUNT, owner: alice, principals: others, seed: 7 });

  const imported = await post(`${maintenance.url}/az-permissions-bulk`, 'alice', {
    documents: shuffled(tree(bulkRoot), 99),
  });
  expect(imported.status).toBe(200);
  expect(imported.body).toEqual({ created: COUNT, updated: 0, unchanged: 0, sequence: imported.seq });
  const oneByOne = await createOneByOne(tree(oneRoot));

  // the same documents were stored, _metadata included (namespace mark, creator, sharedWith)
  const [bulkStored, oneStored] = [await storedUnder(bulkRoot), await storedUnder(oneRoot)];
  expect(bulkStored.size).toBe(COUNT);
  expect(bulkStored).toEqual(oneStored);

  // every document, every user, every question: the runtime answers alike for both trees
  const subjects = tree('').map((document) => document._subject);
  const atLeast = String(Math.max(imported.seq, oneByOne));
  let compared = 0;
  const seen = { allowed: 0, refused: 0 };
  for (const user of USERS) {
    for (const { action, property } of QUESTIONS) {
      for (let i = 0; i < subjects.length; i += PER_QUESTION) {
        const paths = subjects.slice(i, i + PER_QUESTION);
        const answers = await Promise.all(
          [bulkRoot, oneRoot].map(async (root) => {
            const asked = await post(`${runtime.url}/az-is-allowed`, user, {
              resource: paths.map((p) => root + p),
              user: cluster.principal(user),
              action,
              ...(property ? { property } : {}),
              withIndividualAnswers: true,
              atLeast,
            });
            expect(asked.status).toBe(200);
            const byResource = (asked.body as { answers: Record<string, boolean | null> }).answers;
            return paths.map((p) => byResource[root + p]);
          }),
        );
        expect(answers[0]).toEqual(answers[1]);
        compared += paths.length;
        for (const answer of answers[0]) seen[answer === true ? 'allowed' : 'refused']++;
      }
    }
  }
  expect(compared).toBe(COUNT * USERS.length * QUESTIONS.length);
  // neither everything nor nothing is allowed: the comparison tells trees apart
  expect(seen.allowed).toBeGreaterThan(COUNT);
  expect(seen.refused).toBeGreaterThan(COUNT);
}, 900_000);
