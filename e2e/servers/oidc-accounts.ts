/** Accounts of the local OpenID Connect provider used by the production sign-in test. */
export const OIDC_ACCOUNTS: Record<string, { email: string; name: string; groups: string[]; emailVerified?: boolean }> = {
  "dana@corp.example": { email: "dana@corp.example", name: "Dana Developer", groups: ["engineering"] },
  "olga@corp.example": { email: "olga@corp.example", name: "Olga Operator", groups: ["engineering", "portal-admins"] },
  // A self-asserted address the IdP never verified (e.g. a user-editable profile email) claiming an admin's email.
  mallory: { email: "olga@corp.example", name: "Mallory", groups: [], emailVerified: false },
  // Another IdP account (another `sub`) the IdP gave Dana's verified address to (email reassigned).
  "dana-successor": { email: "dana@corp.example", name: "Dana's Successor", groups: [] },
};
export const OIDC_ISSUER_PORT = 3290;
export const OIDC_CLIENT = { id: "jit-portal", secret: "e2e-oidc-client-secret-not-for-production" };
