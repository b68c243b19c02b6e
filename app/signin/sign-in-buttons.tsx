"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

export function DemoUserButton({ email, name, role, blurb, callbackUrl }: { email: string; name: string; role: string; blurb: string; callbackUrl: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      data-testid={`demo-signin-${email}`}
      onClick={() => {
        setBusy(true);
        void signIn("demo", { email, callbackUrl });
      }}
      className="flex w-full items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white px-4 py-3 text-left hover:border-slate-400 disabled:opacity-60"
    >
      <span className="min-w-0">
        <span className="block font-medium text-slate-900">{name}</span>
        <span className="block truncate text-xs text-slate-500">
          {email} · {blurb}
        </span>
      </span>
      <span className="shrink-0 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">{busy ? "Signing in…" : role}</span>
    </button>
  );
}

export function OidcButton({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void signIn("oidc", { callbackUrl });
      }}
      className="w-full rounded-lg bg-slate-900 px-4 py-2.5 text-sm font-medium text-white hover:bg-slate-700 disabled:bg-slate-400"
    >
      {busy ? "Redirecting…" : `Sign in with ${name}`}
    </button>
  );
}
