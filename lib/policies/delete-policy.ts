import "server-only";
import type { TDb } from "../db/client.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";
import { type TPolicyActor } from "./validate-policy-input.ts";

/**
 * Deletes a policy. Requests that pointed at it keep their frozen policySnapshot (policyId becomes null),
 * so pending requests are still decided by the rules they were submitted under.
 * Assumes the caller checked the actor is an admin.
 */
export async function deletePolicy(db: TDb, actor: TPolicyActor, id: string) {
  return db.$transaction(async (tx) => {
    const policy = await tx.policy.findUnique({ where: { id } });
    if (!policy) throw new AppError("NOT_FOUND", { message: `policy ${id}`, userMessage: "Policy not found." });
    await tx.policy.delete({ where: { id } });
    await appendAuditEvent(tx, {
      actor,
      action: "policy.deleted",
      subjectType: "Policy",
      subjectId: id,
      integrationId: policy.integrationId,
      details: { name: policy.name },
    });
    return { id };
  });
}
