import { createHash, timingSafeEqual } from "node:crypto";

export type TWorkerAuth = { ok: true } | { ok: false; status: 401 | 503; message: string };

/**
 * Checks `Authorization: Bearer <secret>` against WORKER_SECRET in constant time (SHA-256 digests of
 * both, so lengths never differ and nothing leaks through timing). No secret configured: refused,
 * never open. This is the route's whole authorization: the caller is a scheduler, not a user.
 */
export function authorizeWorkerRequest(authorization: string | null, secret: string | undefined): TWorkerAuth {
  if (!secret) return { ok: false, status: 503, message: "The worker route is disabled: set WORKER_SECRET to call it from a scheduler." };
  const match = /^Bearer (.+)$/.exec(authorization ?? "");
  const given = createHash("sha256").update(match?.[1] ?? "").digest();
  const expected = createHash("sha256").update(secret).digest();
  // Compare even when the header is missing, so both paths take the same time.
  const equal = timingSafeEqual(given, expected);
  if (!match || !equal) return { ok: false, status: 401, message: "Invalid worker credentials." };
  return { ok: true };
}
