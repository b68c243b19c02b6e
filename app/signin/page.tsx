import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { DEMO_USERS } from "@/lib/auth/demo-users";
import { env } from "@/lib/env";
import { safeReturnTo } from "@/lib/auth/return-to";
import { DemoUserButton, OidcButton } from "./sign-in-buttons";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "That demo user does not exist.",
  AccessDenied: "Your identity provider did not send an email address, so the portal cannot tell who you are.",
  EmailNotVerified:
    "Your identity provider did not confirm that your email address is verified (email_verified), so the portal cannot trust it as your identity. Ask your IdP admin to verify it.",
  OAuthSignin: "Could not reach the identity provider. Try again, or ask an admin to check the OIDC settings.",
  OAuthCallback: "The identity provider's answer could not be verified. Try again.",
  Callback: "Sign-in failed. Try again.",
  AccountDisabled: "Your portal account has been disabled. Ask a portal administrator if you think this is a mistake.",
  IdentityChanged:
    "This email belongs to a portal account that signs in with another account at your identity provider. If your sign-in account changed, ask a portal administrator to reset the link on the People page.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; next?: string }> }) {
  const { error, next } = await searchParams;
  const returnTo = safeReturnTo(next);
  if (await getCurrentUser()) redirect(returnTo);
  const oidc = Boolean(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET);
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
      <div className="mb-8 text-center">
        <div className="mx-auto grid h-10 w-10 place-items-center rounded-lg bg-slate-900 text-sm font-bold text-white">JIT</div>
        <h1 className="mt-4 text-2xl font-semibold">Sign in to the Access Portal</h1>
        <p className="mt-2 text-sm text-slate-600">Ask for exactly the AWS access you need, for as long as you need it.</p>
      </div>
      {next && !error ? (
        <p role="status" className="mb-4 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="signin-return-note">
          Your session has ended. Sign in again to continue where you left off.
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="mb-4 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {ERRORS[error] ?? "Sign-in failed. Try again."}
        </p>
      ) : null}
      {oidc ? <OidcButton name={env.OIDC_NAME} callbackUrl={returnTo} /> : null}
      {env.DEMO_MODE ? (
        <section className={oidc ? "mt-8" : ""}>
          <h2 className="mb-2 text-sm font-semibold text-slate-700">Demo mode: pick a user</h2>
          <div className="space-y-2">
            {DEMO_USERS.map((u) => (
              <DemoUserButton key={u.email} email={u.email} name={u.name} role={u.role} blurb={u.blurb} callbackUrl={returnTo} />
            ))}
          </div>
        </section>
      ) : null}
      {!oidc && !env.DEMO_MODE ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          No sign-in method is configured. Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (see README).
        </p>
      ) : null}
    </main>
  );
}
