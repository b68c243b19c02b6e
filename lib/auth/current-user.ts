import "server-only";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { getAuthOptions } from "./get-auth-options.ts";
import { adminConfig } from "./record-sign-in.ts";
import { isAdminIdentity } from "./roles.ts";
import { signInPath } from "./return-to.ts";

export type TPortalUser = { id: string; email: string; name: string | null; isAdmin: boolean; groups: string[] };

/**
 * The signed-in user of this request, or null. A session counts only while its server-side
 * record is live and the user is not disabled, so sign-out and revocation take effect at once.
 */
export const getCurrentUser = cache(async (): Promise<TPortalUser | null> => {
  const session = (await getServerSession(getAuthOptions())) as { uid?: unknown; sid?: unknown } | null;
  if (!session || typeof session.sid !== "string") return null;
  const db = await getDb();
  const row = await db.session.findUnique({ where: { id: session.sid }, include: { user: true } });
  if (!row || row.revokedAt || row.expiresAt < new Date() || row.user.disabled) return null;
  // Admin as of the last sign-in and still per today's configuration: taking someone out of ADMIN_EMAILS
  // (or ADMIN_GROUPS) ends their admin rights at the next request, not at their next sign-in.
  const isAdmin = row.user.isAdmin && isAdminIdentity({ email: row.user.email, groups: row.user.idpGroups }, adminConfig());
  return { id: row.user.id, email: row.user.email, name: row.user.name, isAdmin, groups: row.user.idpGroups };
});

/** Pages: the signed-in user, or a redirect to sign-in (which comes back to `returnTo`, a path of this portal). */
export async function requireUser(returnTo?: string): Promise<TPortalUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInPath(returnTo));
  return user;
}

/** Admin pages: 403 for anyone but an admin. */
export async function requireAdminPage(): Promise<TPortalUser> {
  const user = await requireUser();
  if (!user.isAdmin) forbidden();
  return user;
}

/** Server actions and route handlers: throws AppError instead of redirecting. */
export async function authenticate(role: "user" | "admin" = "user"): Promise<TPortalUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("UNAUTHENTICATED");
  if (role === "admin" && !user.isAdmin) throw new AppError("FORBIDDEN", { userMessage: "Only an admin can do that." });
  return user;
}
