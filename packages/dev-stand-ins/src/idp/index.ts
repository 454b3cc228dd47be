export { startDevIdp, type DevIdp, type DevIdpOptions } from './dev-idp';
export {
  DEFAULT_CLIENT,
  DEFAULT_CLIENTS,
  DEFAULT_IDP_PORT,
  DEFAULT_USERS,
  type DevClient,
  type DevUser,
} from './fixtures';
export type { MintOptions } from './idp-state';
export type { SigningAlg, SignOptions } from './signing-keys';
