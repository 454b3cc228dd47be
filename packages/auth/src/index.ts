export { authenticate, authenticatedFromCache, type Authenticated, type AuthHeaders } from './authenticate';
export { createClientCredentials, type ClientCredentials, type ClientCredentialsOptions } from './client-credentials';
export { createIssuerDiscovery, type IssuerDiscovery, type IssuerMetadata } from './issuer-discovery';
export { EMAILS_PATH, IDS_PATH, queryIssuerUsers, type IssuerUser } from './issuer-ids-api';
export { IssuerConfigError, isLoopbackHost, parseTrustedIssuers } from './issuer-urls';
export {
  createLookupThrottle,
  DEFAULT_UNKNOWN_LOOKUPS,
  refilled,
  secondsUntilOneToken,
  type Bucket,
  type LookupThrottle,
  type ThrottlePolicy,
} from './lookup-throttle';
export {
  createPrincipalNormaliser,
  MALFORMED_PRINCIPAL_MSG,
  MAX_LOOKUPS_PER_REQUEST,
  type OnBehalfOf,
  type PrincipalNormaliser,
  type PrincipalNormaliserOptions,
} from './principal-normaliser';
export { INVALID_TOKEN_MSG, type RejectionReason } from './token-rejection';
export {
  ALLOWED_ALGORITHMS,
  createTokenVerifier,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerifiedToken,
} from './token-verifier';
