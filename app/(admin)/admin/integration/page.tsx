import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { listIntegrations } from "@/lib/integrations/list-integrations";

export const metadata = { title: "Integration" };

const RUN_TONE = { RUNNING: "blue", SUCCEEDED: "green", PARTIAL: "amber", FAILED: "red" } as const;

export default async function IntegrationsPage() {
  await requireAdminPage();
  const integrations = await listIntegrations(await getDb());
  return (
    <>
      <PageHeader
        title="AWS integration"
        description="Connect an AWS organization with IAM Identity Center; discovery fills the catalog with its accounts, permission sets and resources."
        actions={
          <Link href="/admin/integration/new" className={buttonClasses()}>
            Connect an organization
          </Link>
        }
      />
      {integrations.length === 0 ? (
        <EmptyState
          title="No AWS organization connected"
          action={
            <Link href="/admin/integration/new" className={buttonClasses()}>
              Connect an organization
            </Link>
          }
        >
          Paste the JSON from your previous portal or fill in the form: the management account&apos;s credentials, the Identity Center instance, and the role to assume in each sub-account.
        </EmptyState>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2">
          {integrations.map((i) => (
            <li key={i.id}>
              <Link href={`/admin/integration/${i.id}`} className="block rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-slate-400">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <h2 className="font-semibold text-slate-900">{i.name}</h2>
                  <div className="flex gap-1.5">
                    {!i.enabled ? <Badge>disabled</Badge> : null}
                    {i.lastRun ? <Badge tone={RUN_TONE[i.lastRun.status]}>last run {i.lastRun.status.toLowerCase()}</Badge> : <Badge tone="amber">never synced</Badge>}
                  </div>
                </div>
                <p className="mt-1 truncate font-mono text-xs text-slate-500">{i.authMethod === "ACCESS_KEY" ? `access key ${i.accessKeyId}` : `role ${i.roleArn}`}</p>
                <p className="truncate font-mono text-xs text-slate-500">{i.instanceArn ?? "instance: discovered on first run"}</p>
                <dl className="mt-3 grid grid-cols-3 gap-2 text-center text-sm">
                  <div className="rounded bg-slate-50 p-2">
                    <dt className="text-xs text-slate-500">Accounts</dt>
                    <dd className="font-semibold text-slate-900">{i.counts.accounts}</dd>
                  </div>
                  <div className="rounded bg-slate-50 p-2">
                    <dt className="text-xs text-slate-500">Permission sets</dt>
                    <dd className="font-semibold text-slate-900">{i.counts.permissionSets}</dd>
                  </div>
                  <div className="rounded bg-slate-50 p-2">
                    <dt className="text-xs text-slate-500">Resources</dt>
                    <dd className="font-semibold text-slate-900">{i.counts.resources}</dd>
                  </div>
                </dl>
                <p className="mt-2 text-xs text-slate-500">{i.lastSyncAt ? `Last synced ${i.lastSyncAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : "Not synced yet"} · every {i.syncIntervalMinutes} min</p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
