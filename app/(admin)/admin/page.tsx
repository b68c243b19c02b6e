import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/current-user";
import { getSetupStatus } from "@/lib/portal/get-setup-status";

export const metadata = { title: "Admin" };

export default async function AdminPage() {
  await requireAdminPage();
  const status = await getSetupStatus();
  const sections = [
    {
      href: "/admin/integration",
      title: "Integration",
      body: "Connect an AWS organization with IAM Identity Center, test the connection, get the IAM documents, and watch discovery.",
    },
    {
      href: "/admin/policies",
      title: "Policies",
      body: "Who may request what, for how long, and who approves. Nothing is requestable until a policy allows it.",
    },
    {
      href: "/admin/grants",
      title: "Grants",
      body: "Who holds what access, where and until when; force revoke, retry failures, and reconcile AWS with the grants.",
    },
    {
      href: "/admin/people",
      title: "People",
      body: "Everyone with a portal account: end their sessions, or disable someone who leaves, which revokes all their access at once.",
    },
    {
      href: "/admin/audit",
      title: "Audit log",
      body: "Every sign-in, request, decision and grant change, hash-chained. Filter, export as CSV, verify the chain.",
    },
  ];
  return (
    <>
      <PageHeader title="Admin" description="Connect AWS, decide who may request what, and watch what the portal does." />
      {status.integrations === 0 ? (
        <div className="mb-6 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          No integration configured yet: connect an AWS organization so discovery can fill the catalog.
        </div>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {sections.map((s) => (
          <Link key={s.href} href={s.href} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-slate-400">
            <h2 className="font-semibold text-slate-900">{s.title}</h2>
            <p className="mt-1 text-sm text-slate-600">{s.body}</p>
          </Link>
        ))}
      </div>
    </>
  );
}
