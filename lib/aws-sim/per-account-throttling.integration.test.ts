import { ListRolesCommand } from "@aws-sdk/client-iam";
import { ListRootsCommand } from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_ORG, startAwsSimulator, type AwsSimulator } from "./index";
import { assumePortalRole, simClients } from "./test-clients";

let sim: AwsSimulator;
beforeAll(async () => {
  sim = await startAwsSimulator({ seed: "sample", throttling: { enabled: true, perAccount: true, rates: { iam: { rate: 0.01, burst: 1 } } } });
});
afterAll(() => sim.close());

describe("per-account throttling and injected denials (added for discovery)", () => {
  it("keeps one IAM bucket per calling account", async () => {
    const mgmt = simClients(sim, { maxAttempts: 1 });
    await mgmt.iam.send(new ListRolesCommand({}));
    await expect(mgmt.iam.send(new ListRolesCommand({}))).rejects.toMatchObject({ name: "Throttling" });
    const member = await assumePortalRole(sim, SAMPLE_ORG.accounts.prodWorkloads);
    await expect(simClients(sim, { maxAttempts: 1, credentials: member }).iam.send(new ListRolesCommand({}))).resolves.toBeDefined();
  });

  it("answers an access_denied fault with the service's denial naming the action", async () => {
    sim.setFaults({ faults: { "organizations.ListRoots": { errorRate: 1, errorKind: "access_denied" } } });
    const err = await simClients(sim, { maxAttempts: 1 }).org.send(new ListRootsCommand({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "AccessDeniedException", message: expect.stringContaining("organizations:ListRoots") });
    sim.setFaults({ replace: true });
  });
});
