import { subjectFor, useStack } from '@permissions/test-support/harness';
import { ConflictError, ForbiddenError, NotFoundError, createPermissionsClient } from '@permissions/client';

/** Namespaces, the roles teams hold on a base, leaving a team and deleting one with cascade, through the client. */
const get = useStack();

type Who = 'alice' | 'bob' | 'carol' | 'dave';
const clientOf = (who: Who) => createPermissionsClient({ baseUrl: get().stack.url, token: get().tokens[who] });

describe('namespaces', () => {
  test('a governor of / pages through them; anyone else is refused', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    // Handed out by alice (a governor of /) with no parent but /: namespaces, governed by bob.
    const handedOut = [subjectFor('client-ns-a'), subjectFor('client-ns-b')];
    for (const subject of handedOut) await alice.createDocument({ _subject: subject, _self: { govern: [p.bob] } });

    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await alice.namespaces({ limit: 1, ...(cursor === undefined ? {} : { cursor }) });
      expect(page.namespaces.length).toBeLessThanOrEqual(1);
      for (const ns of page.namespaces) {
        if (handedOut.includes(ns.subject)) {
          expect(ns).toEqual({
            subject: ns.subject,
            incarnation: expect.any(Number),
            creator: p.alice,
            governors: [p.bob],
          });
        }
        seen.push(ns.subject);
      }
      if (page.next === null) break;
      cursor = page.next;
    }
    expect(seen).toEqual(expect.arrayContaining(handedOut));
    expect(seen).toEqual([...seen].sort());

    await expect(clientOf('bob').namespaces()).rejects.toBeInstanceOf(ForbiddenError);
    await expect(alice.namespaces({ limit: 0 })).rejects.toMatchObject({
      status: 400,
      msg: 'limit must be an integer from 1 to 1000',
    });
  });
});

describe('roles on a base', () => {
  test("its governor sees each team's roles and ends one team's; others may not look", async () => {
    const { p } = get();
    const base = subjectFor('client-roles');
    await clientOf('alice').createDocument({ _subject: base, _self: { govern: [p.bob] } });
    const bob = clientOf('bob');
    const team = await bob.createTeam({
      isA: 'Team',
      name: 'readers',
      members: [p.dave],
      roles: { [base]: { '/*': ['read'] } },
      _permissions: { _self: { govern: [p.bob] } },
    });
    expect(team.value.rolesGrantedOn).toEqual({ [base]: expect.any(Number) });

    const grants = await bob.roleGrants(`${base}/`);
    expect(grants).toEqual({
      base,
      document: { incarnation: team.value.rolesGrantedOn?.[base], namespace: true, governors: [p.bob] },
      teams: [
        {
          team: team.value.self,
          name: 'readers',
          members: [p.dave],
          roles: { [base]: { '/*': ['read'] } },
          grantedOn: team.value.rolesGrantedOn?.[base],
          live: true,
        },
      ],
    });
    await expect(clientOf('dave').roleGrants(base)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(clientOf('dave').revokeRoles(base, team.value.self)).rejects.toBeInstanceOf(ForbiddenError);

    const revoked = await bob.revokeRoles(base, team.value.self);
    expect(revoked.value.roles).toBeUndefined();
    expect(revoked.value.members).toEqual([p.dave]);
    expect(revoked.etag).toBe(`e${revoked.sequence}`);
    expect((await bob.roleGrants(base)).teams).toEqual([]);
    await expect(bob.revokeRoles(base, team.value.self)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('leaving and deleting teams', () => {
  test('a member who may not read the team leaves it; nobody may remove someone else', async () => {
    const { p } = get();
    const bob = clientOf('bob');
    const team = await bob.createTeam({
      isA: 'Team',
      members: [p.carol, p.dave],
      _permissions: { _self: { govern: [p.bob], read: [p.bob] } },
    });
    const carol = clientOf('carol');
    await expect(carol.getTeam(team.value.self)).rejects.toBeInstanceOf(ForbiddenError);

    await expect(clientOf('dave').leaveTeam(team.value.self, p.carol)).rejects.toBeInstanceOf(ForbiddenError);
    const left = await carol.leaveTeam(team.value.self, p.carol);
    expect(left).toEqual({ team: team.value.self, left: p.carol, sequence: expect.any(Number) });
    expect((await bob.getTeam(team.value.self)).value.members).toEqual([p.dave]);
    await expect(carol.leaveTeam(team.value.self, p.carol)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('a team whose document has heirs is a ConflictError, and with cascade the heirs are detached', async () => {
    const { p } = get();
    const bob = clientOf('bob');
    const team = await bob.createTeam({
      isA: 'Team',
      members: [p.bob],
      _permissions: { _self: { read: [''], delete: [''], govern: [''] }, _permissionsHeirs: { add: [''] } },
    });
    const heir = subjectFor('client-team-heir');
    await bob.createDocument({ _subject: heir, _inheritsPermissionsOf: [team.value.self], _self: { govern: [p.bob] } });

    const refused = bob.deleteTeam(team.value.self);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ body: { heirs: [heir] } });
    const deleted = await bob.deleteTeam(team.value.self, { cascade: true });
    expect(deleted.value.self).toBe(team.value.self);
    await expect(bob.getTeam(team.value.self)).rejects.toBeInstanceOf(NotFoundError);
    const kept = await bob.getDocument(heir);
    expect(kept.value._inheritsPermissionsOf).toEqual([]);
    expect(kept.value._self?.govern).toEqual([p.bob]);
  });
});
