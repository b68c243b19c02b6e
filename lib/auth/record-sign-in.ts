import "server-only";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { getDb } from "../db/client.ts";
import { env } from "../env.ts";
import { DEMO_ADMIN_EMAILS } from "./demo-users.ts";
import { isAdminIdentity } from "./roles.ts";

/** Who is an admin, from the environment (ADMIN_EMAILS, ADMIN_GROUPS; the demo admins in demo mode). */
export function adminConfig(): { adminEmails: readonly string[]; adminGroups: readonly string[] } {
  return { adminEmails: env.DEMO_MODE && env.ADMIN_EMAILS.length === 0 ? DEMO_ADMIN_EMAILS : env.ADMIN_EMAILS, adminGroups: env.ADMIN_GROUPS };
}

/**
 * Creates or updates the portal user for a verified sign-in and opens a server-side session
 * (which sign-out or an admin can revoke). The identity provider has already authenticated them.
 */
export async function recordSignIn(input: { email: string; name: string | null; groups: string[]; provider: string; maxAgeS: number; subject?: string | null }) {
  const db = await getDb();
  const email = input.email.trim().toLowerCase();
  const isAdmin = isAdminIdentity({ email, groups: input.groups }, adminConfig());
  // The sign-in callback refuses a disabled account first (with its own message); this guards the race.
  if (await refuseDisabledSignIn(email, input.provider)) throw new Error("user is disabled");
  return db.$transaction(async (tx) => {
    const user = await tx.user.upsert({
      where: { email },
      create: { email, name: input.name, isAdmin, idpGroups: input.groups, lastLoginAt: new Date() },
      update: { name: input.name ?? undefined, isAdmin, idpGroups: input.groups, lastLoginAt: new Date() },
    });
    if (user.disabled) throw new Error("user is disabled");
    if (input.subject && user.idpSubject !== input.subject) {
      // First single sign-on links the email to this IdP account; the sign-in callback refused a different one
      // (this guards the race), unless OIDC_RELINK_ACCOUNTS is set for an IdP move.
      const relink = env.OIDC_RELINK_ACCOUNTS && user.idpSubject !== null;
      const bound = await tx.user.updateMany({
        where: { id: user.id, ...(relink ? {} : { OR: [{ idpSubject: null }, { idpSubject: input.subject }] }) },
        data: { idpSubject: input.subject },
      });
      if (bound.count === 0) throw new Error("sign-in from another identity-provider account");
      if (relink) {
        await appendAuditEvent(tx, { actor: { id: user.id, email }, action: "user.sign_in_relinked", subjectType: "User", subjectId: user.id, details: { previous: user.idpSubject, now: input.subject } });
      }
    }
    const session = await tx.session.create({
      data: { userId: user.id, provider: input.provider, expiresAt: new Date(Date.now() + input.maxAgeS * 1000) },
    });
    await appendAuditEvent(tx, {
      actor: { id: user.id, email },
      action: "auth.sign_in",
      subjectType: "User",
      subjectId: user.id,
      details: { provider: input.provider, isAdmin },
    });
    return session;
  });
}

/**
 * True when the email belongs to a disabled portal account: the attempt is refused and leaves an
 * `auth.sign_in_refused` audit event. Called by the sign-in callback before any session exists.
 */
export async function refuseDisabledSignIn(rawEmail: string, provider: string): Promise<boolean> {
  const db = await getDb();
  const email = rawEmail.trim().toLowerCase();
  const known = await db.user.findUnique({ where: { email }, select: { id: true, disabled: true } });
  if (!known?.disabled) return false;
  await db.$transaction((tx) =>
    appendAuditEvent(tx, { actor: { id: known.id, email }, action: "auth.sign_in_refused", subjectType: "User", subjectId: known.id, details: { provider, reason: "account disabled" } }),
  );
  return true;
}

/**
 * True when the email belongs to a portal account already bound to another identity-provider account
 * (`subject` is "<issuer>|<sub>"): the IdP gave this address to someone else, or a user could set their
 * own email there. Refused and audited (`auth.sign_in_refused`); an admin resets the binding on People
 * when the change is legitimate (IdP migration). Called by the sign-in callback before any session exists.
 */
export async function refuseChangedIdentity(rawEmail: string, subject: string, provider: string): Promise<boolean> {
  const db = await getDb();
  const email = rawEmail.trim().toLowerCase();
  const known = await db.user.findUnique({ where: { email }, select: { id: true, idpSubject: true } });
  if (!known?.idpSubject || known.idpSubject === subject || env.OIDC_RELINK_ACCOUNTS) return false;
  await db.$transaction((tx) =>
    appendAuditEvent(tx, {
      actor: { id: known.id, email },
      action: "auth.sign_in_refused",
      subjectType: "User",
      subjectId: known.id,
      details: { provider, reason: "another identity-provider account", boundTo: known.idpSubject, attempted: subject },
    }),
  );
  return true;
}

export async function recordSignOut(sessionId: string) {
  const db = await getDb();
  await db.$transaction(async (tx) => {
    const session = await tx.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (session.count === 0) return;
    const row = await tx.session.findUnique({ where: { id: sessionId }, include: { user: true } });
    await appendAuditEvent(tx, { actor: { id: row?.userId ?? null, email: row?.user.email ?? null }, action: "auth.sign_out", subjectType: "Session", subjectId: sessionId });
  });
}
