import Link from "next/link";
import { IntegrationEditor } from "@/components/integration/integration-editor";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/current-user";

export const metadata = { title: "Connect an AWS organization" };

export default async function NewIntegrationPage() {
  await requireAdminPage();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/integration" className="text-slate-600 hover:text-slate-900">
          ← Integrations
        </Link>
      </p>
      <PageHeader title="Connect an AWS organization" description="After saving you can test the connection, get the IAM documents to create, and run discovery." />
      <IntegrationEditor
        integrationId={null}
        initial={{
          name: "",
          root_account: { access_key_id: "", secret_access_key: "", region: "us-east-1" },
          sub_accounts: [{ account_id: "*", access_role_arn: "arn:aws:iam::*:role/jit-portal-access" }],
          options: { resource_types: [], tags: [], temp_permission_set_prefix: "jit-", sync_interval_minutes: 60 },
        }}
      />
    </>
  );
}
