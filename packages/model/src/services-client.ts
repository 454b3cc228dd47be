/**
 * The principals of the services' own client (`PERMISSIONS_CLIENT_ID`) at each trusted issuer: the identity of the
 * migration, and the only creator besides governors of `/` whose documents may be namespaces. None when no client
 * is configured.
 */
export function servicesClientPrincipals(issuers: readonly string[], clientId: string | undefined): string[] {
  return clientId ? issuers.map((issuer) => `${issuer}#${clientId}`) : [];
}
