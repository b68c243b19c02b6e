import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { getIntegration } from "@/lib/integrations/get-integration";

/** One integration per request for the layout and its page; a missing one is a 404. */
export const loadIntegration = cache(async (id: string) => {
  try {
    return await getIntegration(await getDb(), id);
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  }
});
