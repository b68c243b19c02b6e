"use client";

import { useRouter } from "next/navigation";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { saveIntegrationAction } from "@/app/(admin)/admin/integration/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  formatConfigIssues,
  RESOURCE_TYPE_LABELS,
  RESOURCE_TYPES,
  SECRET_SET,
  ZIntegrationConfig,
  type TIntegrationConfigInput,
  type TResourceTypeName,
} from "@/lib/integrations/integration-config-schema";
import { projectRootAccount, type TRootAccountDraft } from "@/lib/integrations/project-root-account";
import { partitionOfRegion } from "@/lib/aws/partition";
import { withRootRegion } from "@/lib/integrations/follow-partition";

type TTag = { key: string; value?: string };
type TEntry = { account_id: string; access_role_arn: string; external_id?: string; region?: string; regions?: string[]; tags?: TTag[]; resource_types?: string[]; enabled?: boolean };
type TDraft = {
  name: string;
  enabled?: boolean;
  root_account: TRootAccountDraft;
  sub_accounts: TEntry[];
  options: { sso_instance_arn?: string; sso_region?: string; identity_store_id?: string; resource_types?: string[]; tags?: TTag[]; temp_permission_set_prefix?: string; sync_interval_minutes?: number };
};

const input = "w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 placeholder:text-slate-400 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500";

/** Drops empty strings and empty optional lists so the JSON stays the shape admins paste. */
function clean(draft: TDraft): TDraft {
  const strip = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== "" && v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
  return {
    name: draft.name,
    ...(draft.enabled === false ? { enabled: false } : {}),
    root_account: strip(draft.root_account),
    sub_accounts: draft.sub_accounts.map((e) => strip(e)),
    options: { ...strip(draft.options), resource_types: draft.options.resource_types ?? [], tags: draft.options.tags ?? [] },
  };
}

function tagsToText(tags: TTag[] | undefined): string {
  return (tags ?? []).map((t) => (t.value ? `${t.key}=${t.value}` : t.key)).join(", ");
}
function textToTags(text: string): TTag[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf("=");
      return i < 0 ? { key: s, value: "" } : { key: s.slice(0, i).trim(), value: s.slice(i + 1).trim() };
    });
}
function listToText(list: string[] | undefined) {
  return (list ?? []).join(", ");
}
function textToList(text: string) {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function Field({ label, hint, children, wide }: { label: string; hint?: ReactNode; children: (id: string) => ReactNode; wide?: boolean }) {
  const id = useId();
  return (
    <div className={wide ? "sm:col-span-2" : undefined}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-1">{children(id)}</div>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

/** A text input over a parsed value (tags, lists): keeps what the admin types until it parses. */
function ParsedInput<T>({ id, value, format, parse, onChange, placeholder }: { id: string; value: T; format: (v: T) => string; parse: (s: string) => T; onChange: (v: T) => void; placeholder?: string }) {
  const [text, setText] = useState(() => format(value));
  return (
    <input
      id={id}
      className={input}
      value={text}
      placeholder={placeholder}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
    />
  );
}

function TypeChecks({ value, onChange, legend }: { value: string[] | undefined; onChange: (v: string[]) => void; legend: string }) {
  const selected = new Set((value ?? []).map((v) => v.toUpperCase()));
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {RESOURCE_TYPES.map((t) => (
          <label key={t} className="flex items-center gap-1.5 text-sm text-slate-700">
            <input
              type="checkbox"
              checked={selected.has(t)}
              onChange={(e) => {
                const next = new Set(selected);
                if (e.target.checked) next.add(t);
                else next.delete(t);
                onChange(RESOURCE_TYPES.filter((x) => next.has(x)));
              }}
            />
            {RESOURCE_TYPE_LABELS[t as TResourceTypeName]}
          </label>
        ))}
      </div>
      <p className="mt-1 text-xs text-slate-500">None checked: every type.</p>
    </fieldset>
  );
}

/** Stable React keys for sub-account entries: an index key would hand a removed entry's inputs to the next one. */
let entryKeySeq = 0;
const newEntryKey = () => ++entryKeySeq;

/** A typed secret, once saved, is the stored one ("set"): it neither stays in the page nor counts as a change again. */
function forgetTypedSecret<T>(config: T): T {
  const root = (config as { root_account?: { secret_access_key?: unknown } }).root_account;
  if (!root || typeof root.secret_access_key !== "string" || root.secret_access_key === "" || root.secret_access_key === SECRET_SET) return config;
  return { ...config, root_account: { ...root, secret_access_key: SECRET_SET } };
}

/** Lists the form edits as lists: JSON that gives one as something else is sent back to fix, not rendered (it would crash the form). */
function formShapeErrors(parsed: unknown): string[] {
  const errors: string[] = [];
  const list = (value: unknown, path: string) => {
    if (value !== undefined && value !== null && !Array.isArray(value)) errors.push(`${path}: must be a list`);
  };
  const p = (parsed ?? {}) as { sub_accounts?: unknown; options?: { resource_types?: unknown; tags?: unknown } };
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return ["the configuration must be a JSON object"];
  list(p.sub_accounts, "sub_accounts");
  list(p.options?.resource_types, "options.resource_types");
  list(p.options?.tags, "options.tags");
  if (Array.isArray(p.sub_accounts)) {
    p.sub_accounts.forEach((entry: unknown, i) => {
      if (typeof entry !== "object" || entry === null) return errors.push(`sub_accounts[${i}]: must be an object`);
      list((entry as { regions?: unknown }).regions, `sub_accounts[${i}].regions`);
      list((entry as { tags?: unknown }).tags, `sub_accounts[${i}].tags`);
    });
  }
  return errors;
}

/**
 * Create or edit an integration with a form or as JSON (the shape commercial portals use). Both edit
 * one draft; errors name the field; nothing typed is lost when saving fails. The secret access key
 * is never sent here: "set" stands for the stored one.
 */
/**
 * `loadedAt`: the stored row's version this page rendered (it moves with router.refresh() after a save), so the
 * server can tell an instance ARN discovery learnt since from one the admin cleared.
 */
export function IntegrationEditor({ integrationId, initial, loadedAt = null }: { integrationId: string | null; initial: TIntegrationConfigInput; loadedAt?: string | null }) {
  const router = useRouter();
  const [draft, setDraft] = useState<TDraft>(() => initial as TDraft);
  const [mode, setMode] = useState<"form" | "json">("form");
  const [json, setJson] = useState("");
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const secretStored = initial.root_account.secret_access_key === SECRET_SET;
  const [authMethod, setAuthMethod] = useState<"key" | "role">(initial.root_account.access_role_arn ? "role" : "key");
  const { executeAsync, isPending } = usePortalAction(saveIntegrationAction);
  const [entryKeys, setEntryKeys] = useState<number[]>(() => (initial.sub_accounts ?? []).map(() => newEntryKey()));
  const addEntryRef = useRef<HTMLButtonElement>(null);
  // The save button is at the bottom of a long form: the errors at the top take the focus (and the view).
  const errorsRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length > 0) errorsRef.current?.focus();
  }, [errors]);

  const set = (fn: (d: TDraft) => TDraft) => {
    setDraft((d) => fn(structuredClone(d)));
    setSaved(null);
  };

  /** The draft as it will be sent: the form's auth switch decides which half of root_account goes. */
  const projected = (): TDraft => {
    const c = clean(draft);
    return { ...c, root_account: projectRootAccount(draft.root_account, authMethod) };
  };

  const toJson = () => {
    setJson(JSON.stringify(projected(), null, 2));
    setErrors([]);
    setMode("json");
  };
  const toForm = () => {
    try {
      const parsed = JSON.parse(json) as TDraft;
      const shape = formShapeErrors(parsed);
      if (shape.length > 0) {
        setErrors([...shape.map((e) => `JSON: ${e}`), "Fix it before switching to the form."]);
        return;
      }
      const d: TDraft = { name: parsed.name ?? "", enabled: parsed.enabled, root_account: parsed.root_account ?? {}, sub_accounts: Array.isArray(parsed.sub_accounts) ? parsed.sub_accounts : [], options: parsed.options ?? {} };
      setDraft(d);
      setEntryKeys(d.sub_accounts.map(() => newEntryKey()));
      setAuthMethod("access_role_arn" in d.root_account ? "role" : "key");
      setFormKey((k) => k + 1);
      setErrors([]);
      setMode("form");
    } catch (e) {
      setErrors([`JSON: ${e instanceof Error ? e.message : "not valid JSON"} — fix it before switching to the form.`]);
    }
  };

  const save = async () => {
    setSaved(null);
    let candidate: unknown;
    if (mode === "json") {
      try {
        candidate = JSON.parse(json);
      } catch (e) {
        setErrors([`JSON: ${e instanceof Error ? e.message : "not valid JSON"}`]);
        return;
      }
    } else {
      candidate = projected();
    }
    const local = ZIntegrationConfig.safeParse(candidate);
    if (!local.success) {
      setErrors(formatConfigIssues(local.error.issues));
      return;
    }
    const res = await executeAsync({ id: integrationId, config: candidate, loadedAt });
    if (res?.serverError) return setErrors([res.serverError]);
    if (res?.validationErrors) return setErrors(["The request was malformed. Reload the page and try again."]);
    const data = res?.data;
    if (!data) return setErrors(["No answer from the server. Try again."]);
    if (!data.ok) return setErrors(data.errors);
    setErrors([]);
    setDraft((d) => forgetTypedSecret(d));
    if (mode === "json") setJson(JSON.stringify(forgetTypedSecret(candidate), null, 2));
    if (!integrationId) {
      router.push(`/admin/integration/${data.id}`);
      return;
    }
    setSaved(
      data.changed.length === 0
        ? "Nothing changed."
        : `Saved: ${data.changed.join(", ")}.${data.resourcesRemoved > 0 ? ` ${data.resourcesRemoved} ${data.resourcesRemoved === 1 ? "resource" : "resources"} the new settings no longer cover left the catalog; run a sync to add what they now include.` : ""}`,
    );
    router.refresh();
  };

  const r = draft.root_account;
  const o = draft.options;
  // Examples in the admin's partition: GovCloud and China have their own ARNs and regions.
  const partition = partitionOfRegion(r.region || "us-east-1");
  const exampleRegion = r.region || "us-east-1";
  const exampleRegions = partition === "aws-us-gov" ? "us-gov-west-1, us-gov-east-1" : partition === "aws-cn" ? "cn-north-1, cn-northwest-1" : "us-east-1, eu-west-1";
  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2">
        <div role="tablist" aria-label="Editor" className="flex gap-1">
          <button role="tab" type="button" id="integration-tab-form" aria-controls="integration-editor-panel" aria-selected={mode === "form"} onClick={() => (mode === "json" ? toForm() : undefined)} className={`rounded-md px-3 py-1.5 text-sm font-medium ${mode === "form" ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}>
            Form
          </button>
          <button role="tab" type="button" id="integration-tab-json" aria-controls="integration-editor-panel" aria-selected={mode === "json"} onClick={() => (mode === "form" ? toJson() : undefined)} className={`rounded-md px-3 py-1.5 text-sm font-medium ${mode === "json" ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}>
            JSON
          </button>
        </div>
        <p className="text-xs text-slate-500">The JSON editor accepts the root_account / sub_accounts / options shape of commercial portals.</p>
      </div>

      {errors.length > 0 ? (
        <div ref={errorsRef} tabIndex={-1} role="alert" className="mx-4 mt-4 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400">
          <p className="font-medium">Not saved — fix {errors.length === 1 ? "this" : "these"}:</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5 font-mono text-xs break-words">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <div role="tabpanel" id="integration-editor-panel" aria-labelledby={mode === "json" ? "integration-tab-json" : "integration-tab-form"}>
      {mode === "json" ? (
        <div className="p-4">
          <label htmlFor="integration-json" className="block text-sm font-medium text-slate-800">
            Integration JSON
          </label>
          <textarea
            id="integration-json"
            spellCheck={false}
            value={json}
            onChange={(e) => {
              setJson(e.target.value);
              setSaved(null);
            }}
            rows={24}
            className={`${input} mt-1 font-mono text-xs leading-5`}
          />
          <p className="mt-1 text-xs text-slate-500">
            <code>&quot;secret_access_key&quot;: &quot;set&quot;</code> (or leaving it out) keeps the stored secret. <code>account_id: &quot;*&quot;</code> scans every member account; an entry for a specific account overrides it.
          </p>
        </div>
      ) : (
        <div key={formKey} className="space-y-6 p-4">
          <section className="grid gap-4 sm:grid-cols-2">
            <Field label="Name" hint="Shown to admins and in the audit log.">
              {(id) => <input id={id} className={input} value={draft.name} onChange={(e) => set((d) => ({ ...d, name: e.target.value }))} placeholder="Production organization" />}
            </Field>
            {integrationId ? (
              <label className="flex items-center gap-2 self-end pb-2 text-sm text-slate-800">
                <input type="checkbox" checked={draft.enabled !== false} onChange={(e) => set((d) => ({ ...d, enabled: e.target.checked }))} />
                Enabled (scheduled discovery runs)
              </label>
            ) : null}
          </section>

          <section>
            <h3 className="text-sm font-semibold text-slate-900">Management account</h3>
            <div role="radiogroup" aria-label="How the portal signs in to the management account" className="mt-2 flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-1.5">
                <input type="radio" name="auth" checked={authMethod === "key"} onChange={() => setAuthMethod("key")} /> Access key
              </label>
              <label className="flex items-center gap-1.5">
                <input type="radio" name="auth" checked={authMethod === "role"} onChange={() => setAuthMethod("role")} /> Assume a role with the server&apos;s own credentials
              </label>
            </div>
            <div className="mt-3 grid gap-4 sm:grid-cols-2">
              {authMethod === "key" ? (
                <>
                  <Field label="Access key id">{(id) => <input id={id} className={`${input} font-mono`} value={r.access_key_id ?? ""} onChange={(e) => set((d) => ({ ...d, root_account: { ...d.root_account, access_key_id: e.target.value } }))} placeholder="AKIA…" autoComplete="off" />}</Field>
                  <Field
                    label="Secret access key"
                    hint={secretStored ? <span className="inline-flex items-center gap-1"><Badge tone="green">set</Badge> Stored encrypted; leave empty to keep it.</span> : "Stored encrypted (AES-256-GCM); never shown again."}
                  >
                    {(id) => (
                      <input
                        id={id}
                        type="password"
                        autoComplete="new-password"
                        className={`${input} font-mono`}
                        value={r.secret_access_key === SECRET_SET ? "" : (r.secret_access_key ?? "")}
                        placeholder={secretStored ? "•••••••• (set)" : ""}
                        onChange={(e) => set((d) => ({ ...d, root_account: { ...d.root_account, secret_access_key: e.target.value || (secretStored ? SECRET_SET : "") } }))}
                      />
                    )}
                  </Field>
                </>
              ) : (
                <>
                  <Field label="Role ARN" hint="Assumed from the server's environment, pod identity or instance profile.">
                    {(id) => <input id={id} className={`${input} font-mono`} value={r.access_role_arn ?? ""} onChange={(e) => set((d) => ({ ...d, root_account: { ...d.root_account, access_role_arn: e.target.value } }))} placeholder={`arn:${partition}:iam::111111111111:role/jit-portal-management`} />}
                  </Field>
                  <Field label="External id (optional)">{(id) => <input id={id} className={`${input} font-mono`} value={r.external_id ?? ""} onChange={(e) => set((d) => ({ ...d, root_account: { ...d.root_account, external_id: e.target.value } }))} />}</Field>
                </>
              )}
              <Field label="Region" hint="Also sets the partition (cn-… China, us-gov-… GovCloud); the ARNs here follow it.">{(id) => <input id={id} className={`${input} font-mono`} value={r.region ?? ""} onChange={(e) => set((d) => withRootRegion(d, e.target.value))} placeholder="us-east-1" />}</Field>
            </div>
          </section>

          <section>
            <h3 className="text-sm font-semibold text-slate-900">IAM Identity Center</h3>
            <div className="mt-3 grid gap-4 sm:grid-cols-2">
              <Field label="Instance ARN" hint="Empty: the first instance ListInstances returns." wide>
                {(id) => <input id={id} className={`${input} font-mono`} value={o.sso_instance_arn ?? ""} onChange={(e) => set((d) => ({ ...d, options: { ...d.options, sso_instance_arn: e.target.value } }))} placeholder={`arn:${partition}:sso:::instance/ssoins-…`} />}
              </Field>
              <Field label="Identity Center region" hint="Empty: the management account's region.">
                {(id) => <input id={id} className={`${input} font-mono`} value={o.sso_region ?? ""} onChange={(e) => set((d) => ({ ...d, options: { ...d.options, sso_region: e.target.value } }))} />}
              </Field>
              <Field label="Identity store id" hint="Empty: discovered with ListInstances. A discovered id stays until the instance changes.">
                {(id) => <input id={id} className={`${input} font-mono`} value={o.identity_store_id ?? ""} onChange={(e) => set((d) => ({ ...d, options: { ...d.options, identity_store_id: e.target.value } }))} placeholder="d-…" />}
              </Field>
            </div>
          </section>

          <section>
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h3 className="text-sm font-semibold text-slate-900">Sub-accounts</h3>
              <Button
                ref={addEntryRef}
                type="button"
                variant="secondary"
                onClick={() => {
                  set((d) => ({ ...d, sub_accounts: [...d.sub_accounts, { account_id: d.sub_accounts.length === 0 ? "*" : "", access_role_arn: `arn:${partitionOfRegion(d.root_account.region || "us-east-1")}:iam::*:role/jit-portal-access` }] }));
                  setEntryKeys((k) => [...k, newEntryKey()]);
                }}
              >
                Add entry
              </Button>
            </div>
            {draft.sub_accounts.length === 0 ? <p className="mt-2 text-sm text-slate-600">No entries: nothing is scanned for resources. Add one with account id <code>*</code> to scan every member account.</p> : null}
            <div className="mt-3 space-y-3">
              {draft.sub_accounts.map((e, i) => (
                <fieldset key={entryKeys[i] ?? `extra-${i}`} className="rounded-md border border-slate-200 p-3">
                  <legend className="px-1 font-mono text-xs text-slate-500">sub_accounts[{i}]</legend>
                  <div className="grid gap-3 sm:grid-cols-2">
                    <Field label="Account id" hint="12 digits, or * for every member account.">
                      {(id) => <input id={id} className={`${input} font-mono`} value={e.account_id} onChange={(ev) => set((d) => ((d.sub_accounts[i]!.account_id = ev.target.value), d))} />}
                    </Field>
                    <Field label="Access role ARN" hint="* stands for each account id.">
                      {(id) => <input id={id} className={`${input} font-mono`} value={e.access_role_arn} onChange={(ev) => set((d) => ((d.sub_accounts[i]!.access_role_arn = ev.target.value), d))} />}
                    </Field>
                    <Field label="External id">{(id) => <input id={id} className={`${input} font-mono`} value={e.external_id ?? ""} onChange={(ev) => set((d) => ((d.sub_accounts[i]!.external_id = ev.target.value), d))} />}</Field>
                    <Field label="Home region" hint="Where this account's regional calls (region list, S3) go; empty: the root account's.">
                      {(id) => <input id={id} className={`${input} font-mono`} value={e.region ?? ""} onChange={(ev) => set((d) => ((d.sub_accounts[i]!.region = ev.target.value), d))} placeholder={exampleRegion} />}
                    </Field>
                    <Field label="Regions" hint="EC2 and Secrets Manager, comma-separated; empty: every enabled region.">
                      {(id) => <ParsedInput id={id} value={e.regions} format={listToText} parse={textToList} onChange={(v) => set((d) => ((d.sub_accounts[i]!.regions = v), d))} placeholder={exampleRegions} />}
                    </Field>
                    <Field label="Tag filter" hint="key=value, comma-separated; resources must match." wide>
                      {(id) => <ParsedInput id={id} value={e.tags} format={tagsToText} parse={textToTags} onChange={(v) => set((d) => ((d.sub_accounts[i]!.tags = v), d))} placeholder="environment=test" />}
                    </Field>
                  </div>
                  <div className="mt-2 flex justify-end">
                    <Button
                      type="button"
                      variant="ghost"
                      aria-label={`Remove sub_accounts[${i}]${e.account_id ? ` (${e.account_id})` : ""}`}
                      onClick={() => {
                        set((d) => ({ ...d, sub_accounts: d.sub_accounts.filter((_, j) => j !== i) }));
                        setEntryKeys((k) => k.filter((_, j) => j !== i));
                        // The button goes with its entry: keep focus in the list rather than drop it to the page.
                        addEntryRef.current?.focus();
                      }}
                    >
                      Remove entry
                    </Button>
                  </div>
                </fieldset>
              ))}
            </div>
          </section>

          <section className="grid gap-4 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <TypeChecks legend="Resource types to discover" value={o.resource_types} onChange={(v) => set((d) => ({ ...d, options: { ...d.options, resource_types: v } }))} />
            </div>
            <Field label="Tag filter (every sub-account)" hint="key=value, comma-separated. Same key twice: either value." wide>
              {(id) => <ParsedInput id={id} value={o.tags} format={tagsToText} parse={textToTags} onChange={(v) => set((d) => ({ ...d, options: { ...d.options, tags: v } }))} placeholder="environment=prod, team" />}
            </Field>
            <Field label="Temporary permission set prefix">{(id) => <input id={id} className={`${input} font-mono`} value={o.temp_permission_set_prefix ?? "jit-"} onChange={(e) => set((d) => ({ ...d, options: { ...d.options, temp_permission_set_prefix: e.target.value } }))} />}</Field>
            <Field label="Discovery interval (minutes)">
              {(id) => <input id={id} type="number" min={5} className={input} value={o.sync_interval_minutes ?? 60} onChange={(e) => set((d) => ({ ...d, options: { ...d.options, sync_interval_minutes: Number(e.target.value) } }))} />}
            </Field>
          </section>
        </div>
      )}

      </div>

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 px-4 py-3">
        <Button type="button" onClick={() => void save()} disabled={isPending}>
          {isPending ? "Saving…" : integrationId ? "Save changes" : "Create integration"}
        </Button>
        {saved ? (
          <span role="status" className="text-sm text-emerald-700">
            {saved}
          </span>
        ) : null}
      </div>
    </div>
  );
}
