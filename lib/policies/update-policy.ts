import "server-only";
import type { TDb } from "../db/client.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";
import { checkPolicyReferences, toPolicyData, uniquePolicyNameError, validatePolicyInput, type TPolicyActor } from "./validate-policy-input.ts";

/**
 * Replaces a policy's settings. Conditional on `expectedUpdatedAt` when given (an edit made on a stale
 * form is CONFLICT, not a silent overwrite). Pending requests keep their frozen snapshot.
 * Assumes the caller checked the actor is an admin.
 */
export async function updatePolicy(db: TDb, actor: TPolicyActor, id: string, input: unknown, expectedUpdatedAt?: Date) {
  const policy = validatePolicyInput(input);
  try {
    return await db.$transaction(async (tx) => {
      const before = await tx.policy.findUnique({ where: { id } });
      if (!before) throw new AppError("NOT_FOUND", { message: `policy ${id}`, userMessage: "Policy not found." });
      await checkPolicyReferences(tx, policy);
      const updated = await tx.policy.updateMany({
        where: { id, ...(expectedUpdatedAt ? { updatedAt: expectedUpdatedAt } : {}) },
        data: toPolicyData(policy),
      });
      if (updated.count !== 1) {
        // `details.currentUpdatedAt`: the version saved meanwhile, so the form can save over it knowingly.
        throw new AppError("CONFLICT", {
          message: `policy ${id} changed meanwhile`,
          userMessage: "Someone else changed this policy since you opened it. Your edits are still in the form.",
          details: { currentUpdatedAt: before.updatedAt.toISOString() },
        });
      }
      const after = await tx.policy.findUniqueOrThrow({ where: { id } });
      const changed = Object.keys(toPolicyData(policy)).filter(
        (key) => JSON.stringify((before as Record<string, unknown>)[key]) !== JSON.stringify((after as Record<string, unknown>)[key]),
      );
      await appendAuditEvent(tx, {
        actor,
        action: "policy.updated",
        subjectType: "Policy",
        subjectId: id,
        integrationId: after.integrationId,
        details: { name: after.name, changed, policy: toPolicyData(policy) },
      });
      return after;
    });
  } catch (error) {
    throw uniquePolicyNameError(error);
  }
}
