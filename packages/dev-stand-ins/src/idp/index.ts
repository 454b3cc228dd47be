export { startDevIdp, type DevIdp, type DevIdpOptions } from './dev-idp';
export {
  DEV_IDENTITY_FILE,
  devIdentityPath,
  DevIdentityFileError,
  readDevIdentity,
  writeDevIdentity,
  type DevIdentity,
} from './dev-identity-file';
export { DevTokenError, requestDevToken, type DevTokenProblem, type DevTokenRequest } from './dev-token';
export {
  DEFAULT_CLIENT,
  DEFAULT_CLIENTS,
  DEFAULT_IDP_PORT,
  DEFAULT_USERS,
  type DevClient,
  type DevUser,
} from './fixtures';
export type { MintOptions } from './idp-state';
export type { SigningAlg, SignOptions, StoredSigningKey } from './signing-keys';
