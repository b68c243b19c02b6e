import "server-only";
import type { TDb } from "../db/client.ts";
import type { TTx } from "../audit/append-audit-event.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { checkPolicyReferences, toPolicyData, uniquePolicyNameError, validatePolicyInput, type TPolicyActor } from "./validate-policy-input.ts";

/**
 * Creates a policy from unvalidated input (ZPolicyInput), with its audit event in the same transaction.
 * Assumes the caller checked the actor is an admin (adminAction) or is the demo seed ("system").
 */
export async function createPolicy(db: TDb | TTx, actor: TPolicyActor, input: unknown) {
  const policy = validatePolicyInput(input);
  const run = async (tx: TTx) => {
    await checkPolicyReferences(tx, policy);
    const created = await tx.policy.create({ data: toPolicyData(policy) });
    await appendAuditEvent(tx, {
      actor,
      action: "policy.created",
      subjectType: "Policy",
      subjectId: created.id,
      integrationId: created.integrationId,
      details: { name: created.name, policy: toPolicyData(policy) },
    });
    return created;
  };
  try {
    return "$transaction" in db ? await db.$transaction(run) : await run(db);
  } catch (error) {
    throw uniquePolicyNameError(error);
  }
}
