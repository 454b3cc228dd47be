import { PERMISSIONS_HEIRS, SELF } from './action-maps';
import { unique } from './plain-data';
import { isWildcardPrincipal } from './principals';
import { ANYONE, type PermissionsDocument } from './types';

export const ROOT_SUBJECT = '/';

/**
 * The seeded root document `/` (CONTRACT §4.1, fix of W6): the configured governors govern it; any authenticated
 * principal may create documents (`az-permissions.create`) and teams (`az-teams.create`) and inherit from `/`
 * (`_permissionsHeirs.add`). `clientIds` are the trusted clients that may ask questions on behalf of users
 * (`az-permissions.read`, reference §5.2). Throws a plain Error on bad configuration: no governor, or a wildcard
 * governor (which would govern for everyone).
 */
export function rootDocument(governors: readonly string[], clientIds: readonly string[] = []): PermissionsDocument {
  const govs = unique(governors);
  if (govs.length === 0) throw new Error('the root document needs at least one governor (BOOTSTRAP_GOVERNORS)');
  const wildcard = [...govs, ...clientIds].find(isWildcardPrincipal);
  if (wildcard !== undefined) {
    throw new Error(`a wildcard (${wildcard}) may not govern the root document or act as a trusted client`);
  }
  const list = (): string[] => [...govs];
  return {
    _subject: ROOT_SUBJECT,
    [SELF]: { read: list(), update: list(), admin: list(), govern: list() },
    [PERMISSIONS_HEIRS]: { add: [ANYONE], read: list(), remove: list() },
    'az-permissions': { create: [ANYONE], read: unique([...govs, ...clientIds]) },
    'az-teams': { create: [ANYONE], read: list() },
  };
}
