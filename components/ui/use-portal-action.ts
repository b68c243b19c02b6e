"use client";

import { useAction } from "next-safe-action/hooks";
import { useCallback, useState } from "react";

/** What the user reads when an action never answered: expired session, dropped connection, new deploy. */
export const ACTION_UNREACHABLE =
  "The portal did not answer: your session may have ended or the connection dropped. Nothing you typed is lost. Reload the page (sign in again if asked) to see where things stand, then try again.";

const isRedirect = (error: unknown) =>
  typeof error === "object" && error !== null && typeof (error as { digest?: unknown }).digest === "string" && (error as { digest: string }).digest.startsWith("NEXT_REDIRECT");

/**
 * `useAction` for every component: an action that cannot run at all (the middleware's forbidden() on an
 * expired or revoked session, a network failure, a stale action id after a deploy) makes next-safe-action
 * reject `executeAsync` and leave `result` empty, so the page would show nothing. Here such a failure
 * becomes `result.serverError` (ACTION_UNREACHABLE) like any refusal, `executeAsync` never rejects, and
 * `execute` runs through it. A redirect is still Next's to follow.
 */
export const usePortalAction = ((action: Parameters<typeof useAction>[0], options?: Parameters<typeof useAction>[1]) => {
  const hook = useAction(action, options);
  const [unreachable, setUnreachable] = useState(false);
  const { executeAsync: run, reset: resetHook } = hook;
  const executeAsync = useCallback(
    async (input: unknown) => {
      setUnreachable(false);
      try {
        return await run(input as never);
      } catch (error) {
        if (isRedirect(error)) throw error;
        setUnreachable(true);
        return { serverError: ACTION_UNREACHABLE };
      }
    },
    [run],
  );
  const execute = useCallback((input: unknown) => void executeAsync(input), [executeAsync]);
  const reset = useCallback(() => {
    setUnreachable(false);
    resetHook();
  }, [resetHook]);
  const result = unreachable && !hook.result.serverError ? { ...hook.result, serverError: ACTION_UNREACHABLE } : hook.result;
  return { ...hook, execute, executeAsync, reset, result };
}) as typeof useAction;
