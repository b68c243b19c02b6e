import "server-only";
import type { TDb } from "../db/client.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";
import { type TPolicyActor } from "./validate-policy-input.ts";

/** Enables or disables a policy; audit in the same transaction. Assumes the caller checked the actor is an admin. */
export async function setPolicyEnabled(db: TDb, actor: TPolicyActor, id: string, enabled: boolean) {
  return db.$transaction(async (tx) => {
    const updated = await tx.policy.updateMany({ where: { id, enabled: !enabled }, data: { enabled } });
    const policy = await tx.policy.findUnique({ where: { id } });
    if (!policy) throw new AppError("NOT_FOUND", { message: `policy ${id}`, userMessage: "Policy not found." });
    if (updated.count === 1) {
      await appendAuditEvent(tx, {
        actor,
        action: enabled ? "policy.enabled" : "policy.disabled",
        subjectType: "Policy",
        subjectId: id,
        integrationId: policy.integrationId,
        details: { name: policy.name },
      });
    }
    return policy;
  });
}
