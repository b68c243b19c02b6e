"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { useState, type FormEvent } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { TARGET_TYPE_LABELS } from "@/components/catalog/target-labels";
import { listAccessLevels } from "@/lib/access/access-levels";
import { TARGET_TYPE_PLURAL_LABELS, TARGET_TYPES, type TTargetType } from "@/lib/access/target-types";
import { savePolicyAction } from "../actions";
import { OptionPicker, type TPicked } from "./option-picker";
import type { TPolicyFormValues } from "./policy-form-values";
import { fieldClasses as input, FieldLabel, SelectField } from "@/components/ui/field";

const card = "space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm";

function Errors({ messages }: { messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <ul className="mt-1 text-sm text-rose-700">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

function toFormData(v: TPolicyFormValues): FormData {
  const data = new FormData();
  if (v.id) data.set("id", v.id);
  if (v.updatedAt) data.set("expectedUpdatedAt", v.updatedAt);
  data.set("name", v.name);
  data.set("description", v.description);
  if (v.enabled) data.set("enabled", "on");
  data.set("integrationId", v.integrationId ?? "");
  const many = (key: string, ids: string[]) => ids.forEach((id) => data.append(key, id));
  many("accountIds", v.accounts.map((x) => x.id));
  many("orgUnitIds", v.orgUnits.map((x) => x.id));
  many("targetTypes", v.targetTypes);
  many("accessLevels", v.accessLevels);
  many("resourceIds", v.resources.map((x) => x.id));
  many("permissionSetIds", v.permissionSets.map((x) => x.id));
  many("groupIds", v.groups.map((x) => x.id));
  data.set(
    "tagConditions",
    JSON.stringify(
      v.tagConditions
        .filter((t) => t.key.trim() || t.values.trim())
        .map((t) => ({ key: t.key.trim(), values: t.values.split(",").map((s) => s.trim()).filter(Boolean) })),
    ),
  );
  if (v.allowEveryone) data.set("allowEveryone", "on");
  many("requesterUserIds", v.requesterUsers.map((x) => x.id));
  many("requesterGroupIds", v.requesterGroups.map((x) => x.id));
  data.set("maxDurationMinutes", String(v.maxDurationMinutes));
  data.set("pendingTimeoutMinutes", String(v.pendingTimeoutMinutes));
  if (v.requireJustification) data.set("requireJustification", "on");
  if (v.requireTicket) data.set("requireTicket", "on");
  data.set("ticketPattern", v.ticketPattern);
  if (v.autoApprove) data.set("autoApprove", "on");
  data.set(
    "approvalSteps",
    JSON.stringify(v.autoApprove ? [] : v.steps.map((s) => ({ name: s.name, quorum: s.quorum, userIds: s.users.map((u) => u.id), groupIds: s.groups.map((g) => g.id) }))),
  );
  return data;
}

export function PolicyForm({ initial, integrations }: { initial: TPolicyFormValues; integrations: { id: string; name: string }[] }) {
  const router = useRouter();
  const [v, setV] = useState<TPolicyFormValues>(initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  // Set when someone else saved the policy meanwhile: their version, to save over it only when asked to.
  const [conflict, setConflict] = useState<string | null>(null);
  const { executeAsync, isPending } = usePortalAction(savePolicyAction);
  const set = <K extends keyof TPolicyFormValues>(key: K, value: TPolicyFormValues[K]) => setV((prev) => ({ ...prev, [key]: value }));
  const types: readonly TTargetType[] = v.targetTypes.length ? (v.targetTypes as TTargetType[]) : TARGET_TYPES;
  // One box per level id; ids are shared across types ("read" is Read for buckets, Inspect for instances), so each says what it means per type.
  const levelMeanings = new Map<string, string[]>();
  for (const t of types) for (const l of listAccessLevels(t)) levelMeanings.set(l.id, [...(levelMeanings.get(l.id) ?? []), types.length > 1 ? `${TARGET_TYPE_PLURAL_LABELS[t]}: ${l.label}` : l.label]);
  const levelOptions = [...levelMeanings].map(([id, meanings]) => ({ id, meaning: meanings.join(" · ") }));
  const toggle = (list: string[], item: string) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    await save(v);
  }

  async function save(values: TPolicyFormValues) {
    setMessage(null);
    setConflict(null);
    const result = await executeAsync(toFormData(values));
    if (result?.data?.ok) {
      router.push("/admin/policies");
      router.refresh();
      return;
    }
    if (result?.data && !result.data.ok) {
      setFieldErrors(result.data.fieldErrors);
      setMessage(result.data.message);
      setConflict(result.data.conflict?.updatedAt ?? null);
    } else setMessage(result?.serverError ?? "The policy could not be saved.");
  }

  const pick = (key: "accounts" | "orgUnits" | "resources" | "permissionSets" | "groups" | "requesterUsers" | "requesterGroups") => (next: TPicked[]) => set(key, next);

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" data-testid="policy-form">
      <section className={card}>
        <h2 className="font-semibold text-slate-900">Policy</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block">
            <FieldLabel>Name *</FieldLabel>
            <input name="name" value={v.name} maxLength={100} onChange={(e) => set("name", e.target.value)} className={input} />
            <Errors messages={fieldErrors.name} />
          </label>
          <SelectField
            className="block"
            label="Integration"
            value={v.integrationId ?? ""}
            onChange={(e) => set("integrationId", e.target.value || null)}
            emptyOption="Every integration"
            options={integrations.map((i) => ({ value: i.id, label: i.name }))}
          />
          <label className="block sm:col-span-2">
            <FieldLabel>Description</FieldLabel>
            <textarea rows={2} maxLength={1000} value={v.description} onChange={(e) => set("description", e.target.value)} className={input} />
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={v.enabled} onChange={(e) => set("enabled", e.target.checked)} /> Enabled
          </label>
        </div>
      </section>

      <section className={card}>
        <div>
          <h2 className="font-semibold text-slate-900">What may be requested</h2>
          <p className="text-xs text-slate-500">Every condition you set must hold; an empty condition means “any”.</p>
        </div>
        <fieldset>
          <legend className="mb-1 text-xs font-medium text-slate-600">Target types</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {TARGET_TYPES.map((t) => (
              <label key={t} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" name="targetTypes" value={t} checked={v.targetTypes.includes(t)} onChange={() => set("targetTypes", toggle(v.targetTypes, t))} />
                {TARGET_TYPE_LABELS[t]}
              </label>
            ))}
          </div>
          <Errors messages={fieldErrors.targetTypes} />
        </fieldset>
        <fieldset>
          <legend className="mb-1 text-xs font-medium text-slate-600">Access levels (none ticked = every level of the types)</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {levelOptions.map((l) => (
              <label key={l.id} className="flex items-start gap-1.5 text-sm">
                <input type="checkbox" className="mt-1" checked={v.accessLevels.includes(l.id)} onChange={() => set("accessLevels", toggle(v.accessLevels, l.id))} aria-label={`${l.id}: ${l.meaning}`} />
                <span>
                  <code className="text-xs text-slate-500">{l.id}</code> <span className="text-slate-800">{l.meaning}</span>
                </span>
              </label>
            ))}
          </div>
          <Errors messages={fieldErrors.accessLevels} />
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <OptionPicker kind="account" label="Accounts" value={v.accounts} onChange={pick("accounts")} integrationId={v.integrationId} placeholder="Name or 12-digit id" />
            <Errors messages={fieldErrors.accountIds} />
          </div>
          <div>
            <OptionPicker kind="orgUnit" label="Organizational units (with their descendants)" value={v.orgUnits} onChange={pick("orgUnits")} integrationId={v.integrationId} placeholder="OU path or id" />
            <Errors messages={fieldErrors.orgUnitIds} />
          </div>
          <OptionPicker kind="resource" label="Specific resources" value={v.resources} onChange={pick("resources")} integrationId={v.integrationId} placeholder="Name, ARN or tag" />
          <OptionPicker kind="permissionSet" label="Specific permission sets" value={v.permissionSets} onChange={pick("permissionSets")} integrationId={v.integrationId} />
          <OptionPicker kind="group" label="Specific groups (membership)" value={v.groups} onChange={pick("groups")} integrationId={v.integrationId} />
        </div>
        <p className="text-xs text-slate-500">If any specific resources, permission sets or groups are chosen, only those can be requested under this policy.</p>
        <fieldset>
          <legend className="mb-1 text-xs font-medium text-slate-600">Tag conditions (the target must carry one of the values for each key)</legend>
          <div className="space-y-2">
            {v.tagConditions.map((t, i) => (
              <div key={i} className="flex flex-wrap items-center gap-2">
                <input aria-label="Tag key" placeholder="key" value={t.key} onChange={(e) => set("tagConditions", v.tagConditions.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))} className={`${input} w-40`} />
                <span className="text-sm text-slate-500">=</span>
                <input aria-label="Tag values" placeholder="value1, value2" value={t.values} onChange={(e) => set("tagConditions", v.tagConditions.map((x, j) => (j === i ? { ...x, values: e.target.value } : x)))} className={`${input} min-w-0 flex-1`} />
                <Button type="button" variant="ghost" onClick={() => set("tagConditions", v.tagConditions.filter((_, j) => j !== i))}>
                  Remove
                </Button>
              </div>
            ))}
            <Button type="button" variant="secondary" onClick={() => set("tagConditions", [...v.tagConditions, { key: "", values: "" }])}>
              Add tag condition
            </Button>
          </div>
          <Errors messages={fieldErrors.tagConditions} />
        </fieldset>
      </section>

      <section className={card}>
        <h2 className="font-semibold text-slate-900">Who may request</h2>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={v.allowEveryone} onChange={(e) => set("allowEveryone", e.target.checked)} /> Everyone linked to an Identity Center user
        </label>
        {!v.allowEveryone ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <OptionPicker kind="user" label="Identity Center users" value={v.requesterUsers} onChange={pick("requesterUsers")} integrationId={v.integrationId} testId="requester-users" />
            <OptionPicker kind="group" label="Identity Center groups" value={v.requesterGroups} onChange={pick("requesterGroups")} integrationId={v.integrationId} testId="requester-groups" />
          </div>
        ) : null}
        <Errors messages={fieldErrors.requesterUserIds} />
      </section>

      <section className={card}>
        <h2 className="font-semibold text-slate-900">Controls</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block">
            <FieldLabel>Maximum duration (minutes, 15 – 43,200)</FieldLabel>
            <input type="number" name="maxDurationMinutes" min={15} max={43200} value={Number.isNaN(v.maxDurationMinutes) ? "" : v.maxDurationMinutes} onChange={(e) => set("maxDurationMinutes", e.target.valueAsNumber)} className={input} />
            <Errors messages={fieldErrors.maxDurationMinutes} />
          </label>
          <label className="block">
            <FieldLabel>Pending requests time out after (minutes)</FieldLabel>
            <input type="number" min={15} max={43200} value={Number.isNaN(v.pendingTimeoutMinutes) ? "" : v.pendingTimeoutMinutes} onChange={(e) => set("pendingTimeoutMinutes", e.target.valueAsNumber)} className={input} />
            <Errors messages={fieldErrors.pendingTimeoutMinutes} />
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={v.requireJustification} onChange={(e) => set("requireJustification", e.target.checked)} /> Justification required
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={v.requireTicket} onChange={(e) => set("requireTicket", e.target.checked)} /> Ticket required
          </label>
          <label className="block sm:col-span-2">
            <FieldLabel>Ticket pattern (regular expression matched against the whole ticket, e.g. <code>[A-Z]+-[0-9]+</code>)</FieldLabel>
            <input value={v.ticketPattern} maxLength={200} onChange={(e) => set("ticketPattern", e.target.value)} className={`${input} font-mono`} />
            <Errors messages={fieldErrors.ticketPattern} />
          </label>
        </div>
      </section>

      <section className={card}>
        <h2 className="font-semibold text-slate-900">Approval</h2>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={v.autoApprove} onChange={(e) => set("autoApprove", e.target.checked)} /> Approve automatically (no approvers)
        </label>
        {!v.autoApprove ? (
          <div className="space-y-3">
            {v.steps.map((step, i) => (
              <div key={i} className="rounded-md border border-slate-200 p-3" data-testid={`approval-step-${i}`}>
                <div className="flex flex-wrap items-end gap-3">
                  <label className="block w-full sm:w-auto sm:min-w-0 sm:flex-1">
                    <FieldLabel>Step {i + 1} name</FieldLabel>
                    <input value={step.name} maxLength={100} onChange={(e) => set("steps", v.steps.map((s, j) => (j === i ? { ...s, name: e.target.value } : s)))} className={input} />
                  </label>
                  <label className="block w-28">
                    <FieldLabel>Quorum</FieldLabel>
                    <input type="number" min={1} value={Number.isNaN(step.quorum) ? "" : step.quorum} onChange={(e) => set("steps", v.steps.map((s, j) => (j === i ? { ...s, quorum: e.target.valueAsNumber } : s)))} className={input} />
                  </label>
                  {([
                    ["up", -1, "↑"],
                    ["down", 1, "↓"],
                  ] as const).map(([dir, by, arrow]) => (
                    <Button
                      key={dir}
                      type="button"
                      variant="ghost"
                      aria-label={`Move step ${i + 1} ${dir}`}
                      title={`Move step ${i + 1} ${dir}`}
                      disabled={!v.steps[i + by]}
                      onClick={() => set("steps", v.steps.map((s, j) => (j === i + by ? v.steps[i]! : j === i ? v.steps[i + by]! : s)))}
                    >
                      <span aria-hidden="true">{arrow}</span>
                    </Button>
                  ))}
                  <Button type="button" variant="ghost" onClick={() => set("steps", v.steps.filter((_, j) => j !== i))}>
                    Remove
                  </Button>
                </div>
                <div className="mt-3 grid gap-3 sm:grid-cols-2">
                  <OptionPicker kind="user" label="Approver users" value={step.users} onChange={(next) => set("steps", v.steps.map((s, j) => (j === i ? { ...s, users: next } : s)))} integrationId={v.integrationId} />
                  <OptionPicker kind="group" label="Approver groups" value={step.groups} onChange={(next) => set("steps", v.steps.map((s, j) => (j === i ? { ...s, groups: next } : s)))} integrationId={v.integrationId} testId={`approval-step-${i}-groups`} />
                </div>
              </div>
            ))}
            <Button type="button" variant="secondary" disabled={v.steps.length >= 10} onClick={() => set("steps", [...v.steps, { name: `Step ${v.steps.length + 1}`, quorum: 1, users: [], groups: [] }])}>
              Add approval step
            </Button>
            <p className="text-xs text-slate-500">Steps run in order; each needs its quorum of distinct approvers. Requesters never approve their own requests.</p>
          </div>
        ) : null}
        <Errors messages={fieldErrors.approvalSteps} />
      </section>

      {message ? (
        <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {message}
          <Errors messages={fieldErrors.form} />
          {conflict && v.id ? (
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <Button type="button" variant="danger" className="px-2.5 py-1 text-xs" disabled={isPending} onClick={() => void save({ ...v, updatedAt: conflict })} data-testid="policy-save-over">
                Save mine over their change
              </Button>
              <a href={`/admin/policies/${v.id}`} target="_blank" rel="noreferrer" className="text-xs font-medium text-rose-900 underline">
                See their version in a new tab
              </a>
            </div>
          ) : null}
        </div>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={isPending}>
          {isPending ? "Saving…" : v.id ? "Save changes" : "Create policy"}
        </Button>
        <Link href="/admin/policies" className={buttonClasses("secondary")}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
