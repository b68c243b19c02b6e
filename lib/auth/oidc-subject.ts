/**
 * "<issuer>|<sub>": the identity-provider account an email is linked to (User.idpSubject). The issuer is
 * compared without trailing slashes (Auth0 writes one, other IdPs do not), so the same IdP configured
 * either way links the same accounts. Pure.
 */
export function oidcSubject(issuer: string, sub: string): string {
  return `${issuer.trim().replace(/\/+$/, "")}|${sub}`;
}
