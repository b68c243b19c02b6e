"use client";

import Link from "next/link";
import { useEffect } from "react";
import { buttonClasses } from "@/components/ui/button";

/**
 * What a route group's error.tsx shows inside the app shell (the navigation stays). Never the error's
 * message or stack: only its digest, which matches the server log line.
 */
export function RouteError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div
      role="alert"
      className="mx-auto max-w-lg rounded-lg border border-slate-200 bg-white px-6 py-10 text-center shadow-sm"
      data-testid="route-error"
    >
      <h1 className="text-lg font-semibold text-slate-900">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-slate-600">
        Something went wrong on our side and it was logged. Try again in a moment; if it keeps happening, tell an admin
        {digest ? (
          <>
            {" "}
            and quote reference <span className="font-mono">{digest}</span>
          </>
        ) : null}
        .
      </p>
      <div className="mt-6 flex flex-wrap justify-center gap-2">
        {/* retry() fetches the page again from the server; reset() would only re-render what failed. */}
        <button type="button" className={buttonClasses()} onClick={() => retry()}>
          Try again
        </button>
        <Link className={buttonClasses("secondary")} href="/catalog">
          Back to the catalog
        </Link>
      </div>
    </div>
  );
}
