/** Where sign-in sends someone when nothing better is known. */
export const DEFAULT_AFTER_SIGN_IN = "/catalog";

/**
 * A page of this portal to return to after sign-in, from the untrusted `next` query parameter: only a
 * same-origin path ("/…", not "//host" or "/\host", which browsers treat as another origin), never the
 * sign-in page itself or the auth API. Anything else gives the catalog, so the parameter cannot be used
 * to send someone to another site.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return DEFAULT_AFTER_SIGN_IN;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return DEFAULT_AFTER_SIGN_IN;
  if (/[\u0000-\u001f\\]/.test(value)) return DEFAULT_AFTER_SIGN_IN;
  const path = value.split(/[?#]/, 1)[0]!;
  if (path === "/signin" || path.startsWith("/signin/") || path.startsWith("/api/")) return DEFAULT_AFTER_SIGN_IN;
  return value;
}

/** The sign-in page, asked to come back to `returnTo` (a path of this portal) afterwards. */
export function signInPath(returnTo?: string): string {
  return returnTo ? `/signin?next=${encodeURIComponent(safeReturnTo(returnTo))}` : "/signin";
}
