"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/auth/action-client";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { parsePolicyFormData } from "@/lib/policies/parse-policy-form-data";
import { createPolicy } from "@/lib/policies/create-policy";
import { deletePolicy } from "@/lib/policies/delete-policy";
import { setPolicyEnabled } from "@/lib/policies/set-policy-enabled";
import { updatePolicy } from "@/lib/policies/update-policy";
import { searchPolicyOptions, ZPolicyOptionSearch } from "@/lib/policies/search-policy-options";

const ZFormData = z.custom<FormData>((value) => value instanceof FormData, "Expected form data");

export type TSavePolicyResult =
  | { ok: true; id: string }
  /** conflict: the policy changed since the form was opened; `updatedAt` is its version now, to save over it knowingly. */
  | { ok: false; message: string; fieldErrors: Record<string, string[]>; conflict?: { updatedAt: string } };

/**
 * Creates (no `id` field) or updates a policy from the form's FormData, validated with ZPolicyInput on
 * the server. Invalid input comes back as field errors (data, not an exception) so the form keeps
 * everything the admin typed.
 */
export const savePolicyAction = adminAction.inputSchema(ZFormData).action(async ({ parsedInput, ctx }): Promise<TSavePolicyResult> => {
  const db = await getDb();
  const actor = { id: ctx.user.id, email: ctx.user.email };
  const id = parsedInput.get("id");
  const expected = parsedInput.get("expectedUpdatedAt");
  const input = parsePolicyFormData(parsedInput);
  try {
    const saved =
      typeof id === "string" && id
        ? await updatePolicy(db, actor, id, input, typeof expected === "string" && expected ? new Date(expected) : undefined)
        : await createPolicy(db, actor, input);
    revalidatePath("/admin/policies");
    return { ok: true, id: saved.id };
  } catch (error) {
    if (isAppError(error) && (error.code === "INVALID_INPUT" || error.code === "CONFLICT")) {
      const details = error.details && typeof error.details === "object" ? (error.details as Record<string, unknown>) : {};
      if (error.code === "CONFLICT" && typeof details.currentUpdatedAt === "string") {
        return { ok: false, message: error.userMessage, fieldErrors: {}, conflict: { updatedAt: details.currentUpdatedAt } };
      }
      return { ok: false, message: error.userMessage, fieldErrors: details as Record<string, string[]> };
    }
    throw error;
  }
});

export const setPolicyEnabledAction = adminAction
  .inputSchema(z.object({ id: z.string().min(1).max(64), enabled: z.boolean() }))
  .action(async ({ parsedInput, ctx }) => {
    const policy = await setPolicyEnabled(await getDb(), { id: ctx.user.id, email: ctx.user.email }, parsedInput.id, parsedInput.enabled);
    revalidatePath("/admin/policies");
    return { id: policy.id, enabled: policy.enabled };
  });

export const deletePolicyAction = adminAction.inputSchema(z.object({ id: z.string().min(1).max(64) })).action(async ({ parsedInput, ctx }) => {
  const result = await deletePolicy(await getDb(), { id: ctx.user.id, email: ctx.user.email }, parsedInput.id);
  revalidatePath("/admin/policies");
  return result;
});

export const searchPolicyOptionsAction = adminAction.inputSchema(ZPolicyOptionSearch).action(async ({ parsedInput }) => {
  return searchPolicyOptions(await getDb(), parsedInput);
});
