import { createDocument, createTeam, governed, subjectFor, type Runtime } from './runtime-fixtures';

/**
 * A small world shared by the route tests (each test only reads it):
 * - `open` lets everyone read, even without a user (incognito);
 * - `parent` grants alice `read` and `_permissionsHeirs.add`; `child` inherits from it and grants alice
 *   `update`; `vetoed` forbids widening and grants alice only `read`;
 * - a team with bob whose roles give `read`/`list` on everything under `base` (alice governs it), which has no
 *   document below it.
 */
export interface World {
  parent: string;
  child: string;
  vetoed: string;
  open: string;
  base: string;
  underBase: string;
  team: string;
}

/** Creates the world through maintenance and teams, as alice. */
export async function createWorld(r: Runtime): Promise<World> {
  const { alice, bob } = r.p;
  const parent = subjectFor('parent');
  const child = subjectFor('child');
  const vetoed = subjectFor('vetoed');
  const open = subjectFor('open');
  const base = subjectFor('base');
  await createDocument(
    r,
    governed(r, parent, {
      _self: { govern: [alice], admin: [alice], read: [alice] },
      _permissionsHeirs: { add: [alice] },
    }),
  );
  await createDocument(r, {
    _subject: child,
    _inheritsPermissionsOf: [parent],
    _self: { update: [alice] },
  });
  await createDocument(
    r,
    governed(r, vetoed, { _self: { govern: [alice], read: [alice] }, _constraints: { wideningForbidden: true } }),
  );
  await createDocument(
    r,
    governed(r, open, { _self: { govern: [alice], read: ['http://apigee.com/users#incognito'] } }),
  );
  await createDocument(r, governed(r, base));
  const { id: team } = await createTeam(r, { members: [bob], roles: { [base]: { '/': ['read', 'list'] } } });
  return { parent, child, vetoed, open, base, underBase: `${base}/x/y`, team };
}
