"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies text to the clipboard and says so. */
export function CopyButton({ text, label = "Copy", what }: { text: string; label?: string; what?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const shown = state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label;
  return (
    <>
      <span role="status" className="sr-only">
        {state === "idle" ? "" : `${shown}${what ? `: ${what}` : ""}`}
      </span>
      <Button
        type="button"
        variant="secondary"
        aria-label={what ? `${shown} ${what}` : undefined}
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setState("copied"),
            () => setState("failed"),
          );
          setTimeout(() => setState("idle"), 2000);
        }}
      >
        {shown}
      </Button>
    </>
  );
}

/** Downloads text as a file, without a round trip to the server. */
export function DownloadButton({ text, filename }: { text: string; filename: string }) {
  return (
    <Button
      type="button"
      variant="secondary"
      aria-label={`Download ${filename}`}
      onClick={() => {
        const url = URL.createObjectURL(new Blob([text], { type: filename.endsWith(".json") ? "application/json" : "text/yaml" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = filename;
        // Attached, and the URL kept a moment: some browsers (Safari) cancel a download whose URL is gone.
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }}
    >
      Download
    </Button>
  );
}
