import { mayKnowOf, mayReadContent, visibleSubjects, type PermissionsDocument, type VisibilityContext } from '../src';
import { ALICE, BOB, boundTeam, caller, ISS, lookupOf, stored, TEAM } from './fixtures';

const parent: PermissionsDocument = {
  _subject: 'http://ex.com/p',
  _self: { read: [BOB], admin: [ALICE], govern: [ALICE] },
};
const child: PermissionsDocument = { _subject: 'http://ex.com/p/c', _inheritsPermissionsOf: ['http://ex.com/p'] };
const vetoed: PermissionsDocument = {
  _subject: 'http://ex.com/p/secret',
  _inheritsPermissionsOf: ['http://ex.com/p'],
  _self: { read: [ALICE], admin: [ALICE] },
  _constraints: { wideningForbidden: true },
};
const lookup = lookupOf(parent, child, vetoed);
const as = (principal: string | null, teams: string[] = []): VisibilityContext => ({
  lookup,
  caller: caller(principal, teams),
  teamsWithRoles: [],
});

test('existence needs read or admin on the document, inherited like any other right', () => {
  expect(mayKnowOf(as(BOB), 'http://ex.com/p')).toBe(true);
  expect(mayKnowOf(as(BOB), 'http://ex.com/p/c')).toBe(true);
  expect(mayKnowOf(as(ALICE), 'http://ex.com/p/c')).toBe(true); // admin is enough
  expect(mayKnowOf(as(`${ISS}#carol`), 'http://ex.com/p')).toBe(false);
  expect(mayKnowOf(as(null), 'http://ex.com/p')).toBe(false);
});

test('a veto hides a document from a reader of its parent', () => {
  expect(mayKnowOf(as(BOB), 'http://ex.com/p/secret')).toBe(false);
  expect(mayKnowOf(as(ALICE), 'http://ex.com/p/secret')).toBe(true);
});

test('a missing document is never known, whoever asks', () => {
  expect(mayKnowOf(as(ALICE), 'http://ex.com/none')).toBe(false);
  expect(mayReadContent(as(ALICE), 'http://ex.com/none')).toBe(false);
});

test('content needs admin', () => {
  expect(mayReadContent(as(BOB), 'http://ex.com/p')).toBe(false);
  expect(mayReadContent(as(ALICE), 'http://ex.com/p/c')).toBe(true);
});

test('team roles count: a role granting read under a base reveals documents inheriting from it', () => {
  const base = stored({ _subject: 'http://ex.com/o', _self: { govern: [ALICE] } }, 5);
  const app: PermissionsDocument = { _subject: 'http://ex.com/o/app', _inheritsPermissionsOf: ['http://ex.com/o'] };
  const context: VisibilityContext = {
    lookup: lookupOf(base, app),
    caller: caller(BOB, [TEAM]),
    teamsWithRoles: [
      { id: TEAM, team: boundTeam([BOB], { 'http://ex.com/o': { '/*': ['read'] } }, { 'http://ex.com/o': 5 }) },
    ],
  };
  expect(mayKnowOf(context, 'http://ex.com/o/app')).toBe(true);
  expect(mayKnowOf(context, 'http://ex.com/o')).toBe(false);
});

test('visibleSubjects keeps the order and drops what the caller may not know', () => {
  expect(
    visibleSubjects(as(BOB), ['http://ex.com/p/secret', 'http://ex.com/p/c', 'http://ex.com/none', 'http://ex.com/p']),
  ).toEqual(['http://ex.com/p/c', 'http://ex.com/p']);
});
