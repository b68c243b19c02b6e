import "server-only";
import type { TTx } from "../audit/append-audit-event.ts";
import type { TDb } from "../db/client.ts";
import { resolvePortalIdentity, type TPortalIdentity } from "../access/resolve-portal-identity.ts";
import type { TPolicyForEvaluation, TRequester } from "../access/evaluate-policies";

export type TEligibilityContext = {
  identity: TPortalIdentity;
  requester: TRequester;
  policies: TPolicyForEvaluation[];
};

/**
 * What evaluatePolicies needs about one requester in one integration: their Identity Center user and
 * groups (matched by the signed-in email) and the enabled policies that can apply there.
 * Read-only; assumes the caller authenticated the user whose email it passes.
 */
export async function loadEligibilityContext(db: TDb | TTx, email: string, integrationId: string): Promise<TEligibilityContext> {
  const [identity, policies] = await Promise.all([
    resolvePortalIdentity(db, email, integrationId),
    db.policy.findMany({ where: { enabled: true, OR: [{ integrationId: null }, { integrationId }] } }),
  ]);
  return {
    identity,
    // Standing groups only: a group the portal granted for a few hours gives no portal rights (TPortalIdentity).
    requester: { principalId: identity.principal?.id ?? null, groupIds: identity.standingGroupIds },
    policies,
  };
}

/** The Json tags column as the string map evaluatePolicies expects (non-string values dropped). */
export function tagsOf(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, tag] of Object.entries(value as Record<string, unknown>)) if (typeof tag === "string") out[key] = tag;
  return out;
}
