import { SetupHelper } from "@/components/integration/setup-helper";
import { requireAdminPage } from "@/lib/auth/current-user";
import { loadIntegration } from "../load-integration";

export const metadata = { title: "Integration setup helper" };

export default async function IntegrationSetupPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  const integration = await loadIntegration(id);
  return (
    <>
      <div className="mb-4 rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">
        <p>
          Create the first policy for the portal&apos;s credentials in the management account. Then create the sub-account role in every member account: deploy the CloudFormation template as a service-managed StackSet to the organization root (StackSets skip the
          management account, and so does <code>account_id: &quot;*&quot;</code>). The documents are filled in from this integration and grant only what its resource types need.
        </p>
      </div>
      <SetupHelper documents={integration.setup} />
    </>
  );
}
