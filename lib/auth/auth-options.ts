import "server-only";
import type { NextAuthOptions, Profile } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { env } from "../env.ts";
import { findDemoUser } from "./demo-users.ts";
import { authSecret } from "./auth-secret.ts";
import { oidcSubject } from "./oidc-subject.ts";
import { recordSignIn, recordSignOut, refuseChangedIdentity, refuseDisabledSignIn } from "./record-sign-in.ts";
import { groupsFromClaim } from "./roles.ts";

export const SESSION_MAX_AGE_S = 8 * 60 * 60;

type TOidcProfile = Profile & { sub: string; email?: string; name?: string; preferred_username?: string; [claim: string]: unknown };

/** Production sign-in: any OpenID Connect provider (Okta, Entra ID, Google, Keycloak, …) from env. */
function oidcProvider(): OAuthConfig<TOidcProfile> | null {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return null;
  return {
    id: "oidc",
    name: env.OIDC_NAME,
    type: "oauth",
    wellKnown: `${env.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: "openid email profile" } },
    profile: (profile) => ({
      id: profile.sub,
      subject: oidcSubject(env.OIDC_ISSUER ?? "", profile.sub),
      email: profile.email ?? null,
      // Some IdPs (e.g. Cognito) send the claim as a string.
      emailVerified: profile.email_verified === true || profile.email_verified === "true",
      name: profile.name ?? profile.preferred_username ?? profile.email ?? null,
      groups: groupsFromClaim(profile[env.OIDC_GROUPS_CLAIM]),
    }),
  };
}

/** Demo sign-in: pick a seeded demo user. It is not registered at all unless DEMO_MODE is on. */
function demoProvider() {
  return CredentialsProvider({
    id: "demo",
    name: "Demo user",
    credentials: { email: { label: "Email", type: "email" } },
    authorize: async (credentials) => {
      const user = credentials?.email ? findDemoUser(credentials.email) : undefined;
      return user ? { id: user.email, email: user.email, name: user.name, groups: [] } : null;
    },
  });
}

export function buildAuthOptions(): NextAuthOptions {
  const oidc = oidcProvider();
  return {
    secret: authSecret(),
    providers: [...(env.DEMO_MODE ? [demoProvider()] : []), ...(oidc ? [oidc] : [])],
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      // A signed-in email is the portal identity (admin rights, approvals, the Identity Center user
      // that gets the access): no email, no entry; an email the IdP did not verify, no entry either.
      signIn: async ({ user, account }) => {
        if (!user.email) return false;
        const verified = (user as { emailVerified?: boolean }).emailVerified === true;
        if (account?.provider === "oidc" && !verified && !env.OIDC_ALLOW_UNVERIFIED_EMAIL) return "/signin?error=EmailNotVerified";
        // An offboarded person: refused (and audited) before a session exists, with a message saying why.
        if (await refuseDisabledSignIn(user.email, account?.provider ?? "unknown")) return "/signin?error=AccountDisabled";
        // The email is bound to the IdP account that first signed in with it: another one is refused.
        const subject = (user as { subject?: string }).subject;
        if (account?.provider === "oidc" && subject && (await refuseChangedIdentity(user.email, subject, account.provider))) return "/signin?error=IdentityChanged";
        return true;
      },
      jwt: async ({ token, user, account }) => {
        if (user && account) {
          const groups = (user as { groups?: string[] }).groups ?? [];
          const session = await recordSignIn({
            email: user.email!,
            name: user.name ?? null,
            groups,
            provider: account.provider,
            maxAgeS: SESSION_MAX_AGE_S,
            subject: account.provider === "oidc" ? ((user as { subject?: string }).subject ?? null) : null,
          });
          token.uid = session.userId;
          token.sid = session.id;
        }
        return token;
      },
      session: ({ session, token }) => ({ ...session, uid: token.uid, sid: token.sid }),
    },
    events: {
      signOut: async ({ token }) => {
        if (typeof token?.sid === "string") await recordSignOut(token.sid);
      },
    },
  };
}
