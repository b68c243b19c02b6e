"use client";

import { useAction } from "next-safe-action/hooks";
import { useCallback, useState } from "react";

/** What the user reads when an action never answered: expired session, dropped connection, new deploy. */
export const ACTION_UNREACHABLE =
  "The portal did not answer: your session may have ended or the connection dropped. Nothing you typed is lost. Reload the page (sign in again if asked) to see where things stand, then try again.";

const digest = (error: unknown) => (typeof error === "object" && error !== null && typeof (error as { digest?: unknown }).digest === "string" ? (error as { digest: string }).digest : "");
const isRedirect = (error: unknown) => digest(error).startsWith("NEXT_REDIRECT");
/** forbidden() / unauthorized() / notFound(): next-safe-action counts these as navigation, so its onError never runs. */
const isAccessFallback = (error: unknown) => digest(error).startsWith("NEXT_HTTP_ERROR_FALLBACK");

/**
 * `useAction` for every component: an action that cannot run at all (the middleware's forbidden() on an
 * expired or revoked session, a network failure, a stale action id after a deploy) makes next-safe-action
 * reject `executeAsync` and leave `result` empty, so the page would show nothing. Here such a failure
 * becomes `result.serverError` (ACTION_UNREACHABLE) like any refusal, `executeAsync` never rejects, and
 * `execute` runs through it. A redirect is still Next's to follow.
 */
export const usePortalAction = ((action: Parameters<typeof useAction>[0], options?: Parameters<typeof useAction>[1]) => {
  const hook = useAction(action, options);
  const onError = (options as { onError?: (args: { error: { serverError: string }; input: unknown }) => unknown } | undefined)?.onError;
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
        // Other failures reach the hook's own onError; these do not, so the component still hears of it.
        if (isAccessFallback(error)) await onError?.({ error: { serverError: ACTION_UNREACHABLE }, input });
        return { serverError: ACTION_UNREACHABLE };
      }
    },
    [run, onError],
  );
  // Next follows a redirect itself; the rejection it leaves behind is nobody's to handle.
  const execute = useCallback((input: unknown) => void executeAsync(input).catch(() => {}), [executeAsync]);
  const reset = useCallback(() => {
    setUnreachable(false);
    resetHook();
  }, [resetHook]);
  const result = unreachable && !hook.result.serverError ? { ...hook.result, serverError: ACTION_UNREACHABLE } : hook.result;
  return { ...hook, execute, executeAsync, reset, result };
}) as typeof useAction;
