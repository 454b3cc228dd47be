import { checkInheritanceChange } from '../src';
import { ALICE, BOB, caller, lookupOf } from './fixtures';

const lookup = lookupOf(
  { _subject: 'doc', _inheritsPermissionsOf: ['old', 'kept'], _self: { admin: [ALICE], govern: [ALICE] } },
  { _subject: 'old', _self: { govern: [BOB] }, _permissionsHeirs: { remove: [ALICE] } },
  { _subject: 'kept', _inheritsPermissionsOf: ['root'], _self: { govern: [BOB] } },
  { _subject: 'new', _inheritsPermissionsOf: ['root'], _self: { govern: [BOB] }, _permissionsHeirs: { add: [ALICE] } },
  { _subject: 'closed', _self: { govern: [BOB] }, _permissionsHeirs: { add: [BOB], remove: [BOB] } },
  { _subject: 'root', _self: { govern: [BOB] } },
  { _subject: 'heir', _inheritsPermissionsOf: ['doc'], _self: { govern: [BOB] }, _permissionsHeirs: { add: [ALICE] } },
  { _subject: 'dangling', _inheritsPermissionsOf: ['deleted'], _self: { admin: [ALICE], govern: [ALICE] } },
);
const alice = caller(ALICE);

describe('checkInheritanceChange (reference §6.7)', () => {
  test('replace a parent: remove on the old, add on the new, unchanged parents not checked (B21)', () => {
    expect(
      checkInheritanceChange(
        lookup,
        { subject: 'doc', currentParents: ['old', 'kept'], newParents: ['kept', 'new'] },
        alice,
      ),
    ).toEqual({
      allowed: true,
      scopes: ['old', 'kept', 'root', 'new'],
    });
  });

  test('the caller needs admin on an existing subject (B6: refusal is an object with allowed: false)', () => {
    expect(
      checkInheritanceChange(
        lookup,
        { subject: 'doc', currentParents: ['old', 'kept'], newParents: ['kept'] },
        caller(BOB),
      ),
    ).toEqual({
      allowed: false,
      refusal: 'not-admin',
      reason: `user ${BOB} may not administer the permissions of doc`,
      resource: 'doc',
    });
  });

  test('removing a parent needs _permissionsHeirs.remove on it', () => {
    expect(
      checkInheritanceChange(lookup, { subject: 'dangling', currentParents: ['closed'], newParents: [] }, alice),
    ).toEqual({
      allowed: false,
      refusal: 'may-not-remove',
      reason: `user ${ALICE} may not remove permissions inheritance from closed`,
      resource: 'closed',
    });
  });

  test('adding a parent needs _permissionsHeirs.add on it', () => {
    expect(checkInheritanceChange(lookup, { currentParents: [], newParents: ['new', 'closed'] }, alice)).toEqual({
      allowed: false,
      refusal: 'may-not-add',
      reason: `user ${ALICE} may not add permissions inheritance from closed`,
      resource: 'closed',
    });
    expect(checkInheritanceChange(lookup, { currentParents: [], newParents: ['new'] }, caller(null))).toEqual({
      allowed: false,
      refusal: 'may-not-add',
      reason: 'anonymous request may not add permissions inheritance from new',
      resource: 'new',
    });
  });

  test('a cycle through the new parents is refused', () => {
    expect(
      checkInheritanceChange(
        lookup,
        { subject: 'doc', currentParents: ['old', 'kept'], newParents: ['old', 'kept', 'heir'] },
        alice,
      ),
    ).toEqual({
      allowed: false,
      refusal: 'cycle',
      reason: 'may not add cycle to permissions inheritance',
      resource: 'doc',
    });
  });

  test('creating a subject that a dangling parent names is checked for cycles without needing admin', () => {
    expect(
      checkInheritanceChange(
        lookup,
        { subject: 'deleted', creating: true, currentParents: [], newParents: ['dangling'] },
        alice,
      ),
    ).toMatchObject({
      allowed: false,
      refusal: 'cycle',
    });
    expect(
      checkInheritanceChange(
        lookup,
        { subject: 'fresh', creating: true, currentParents: [], newParents: ['new'] },
        alice,
      ),
    ).toEqual({
      allowed: true,
      scopes: ['new', 'root'],
    });
  });

  test('a parent without a document cannot be added but can be removed', () => {
    expect(checkInheritanceChange(lookup, { currentParents: [], newParents: ['nowhere'] }, alice)).toEqual({
      allowed: false,
      refusal: 'parent-not-found',
      reason: 'no permissions document for nowhere, so it cannot be inherited from',
      resource: 'nowhere',
    });
    expect(
      checkInheritanceChange(lookup, { subject: 'dangling', currentParents: ['deleted'], newParents: ['new'] }, alice),
    ).toEqual({
      allowed: true,
      scopes: ['new', 'root'],
    });
  });

  test('no change at all is allowed without any heirs permission', () => {
    expect(
      checkInheritanceChange(
        lookup,
        { subject: 'doc', currentParents: ['old', 'kept'], newParents: ['old', 'kept'] },
        alice,
      ),
    ).toEqual({
      allowed: true,
      scopes: ['old', 'kept', 'root'],
    });
  });
});
