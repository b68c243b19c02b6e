"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/auth/action-client";
import { getDb } from "@/lib/db/client";
import { startDiscovery } from "@/lib/discovery/start-discovery";
import { isAppError } from "@/lib/errors/app-error";
import { saveIntegration } from "@/lib/integrations/save-integration";

export type TSaveIntegrationActionResult = { ok: true; id: string; changed: string[]; resourcesRemoved: number } | { ok: false; errors: string[] };

/** Creates (no id) or updates an integration. Invalid input comes back as data so the form keeps what was typed. */
export const saveIntegrationAction = adminAction
  .inputSchema(z.object({ id: z.string().min(1).nullable(), config: z.unknown(), loadedAt: z.iso.datetime().nullish() }))
  .action(async ({ parsedInput, ctx }): Promise<TSaveIntegrationActionResult> => {
    try {
      const saved = await saveIntegration(await getDb(), {
        id: parsedInput.id,
        config: parsedInput.config,
        actor: { id: ctx.user.id, email: ctx.user.email },
        loadedAt: parsedInput.loadedAt ? new Date(parsedInput.loadedAt) : null,
      });
      revalidatePath("/admin/integration");
      revalidatePath("/admin");
      return { ok: true, id: saved.id, changed: saved.changed, resourcesRemoved: saved.resourcesRemoved ?? 0 };
    } catch (error) {
      if (isAppError(error) && (error.code === "INVALID_INPUT" || error.code === "CONFLICT")) return { ok: false, errors: error.userMessage.split("\n") };
      throw error;
    }
  });

/** Starts a discovery run now (or returns the one already running); progress is polled from the sync-runs route. */
export const startDiscoveryAction = adminAction.inputSchema(z.object({ integrationId: z.string().min(1) })).action(async ({ parsedInput, ctx }) => {
  const started = await startDiscovery(await getDb(), parsedInput.integrationId, { trigger: "MANUAL", actor: { id: ctx.user.id, email: ctx.user.email } });
  return { runId: started.runId, alreadyRunning: started.alreadyRunning };
});
