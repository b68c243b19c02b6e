// The hooks every worker test file needs, registered once: the testbed opened before the file's tests and
// closed after them, reset and seeded (one fresh integration) before each test.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { AwsSimulator } from "../aws-sim/index.ts";
import type { TDb } from "../db/client.ts";
import type { TDatabase } from "../db/open-database.ts";
import { openWorkerTestbed, resetWorkerTestbed, seedFixture, standingAccess, type TFixture } from "./provisioning-test-kit.ts";

export type TWorkerTestbed = {
  sim: AwsSimulator;
  db: TDb;
  /** The integration seeded for the current test. */
  fx: TFixture;
  /** What the simulator held before the current test created anything (standing access). */
  standing: ReturnType<typeof standingAccess>;
};

/**
 * Registers beforeAll (openWorkerTestbed), afterAll (close) and beforeEach (resetWorkerTestbed, seedFixture,
 * standingAccess) in the calling test file, then runs `setUp` with the testbed before each test: the place
 * to take `sim`, `db`, `fx` and `standing` into the file's variables and build its worker options.
 */
export function useWorkerTestbed(setUp?: (testbed: TWorkerTestbed) => void | Promise<void>): void {
  let sim: AwsSimulator | undefined;
  let database: TDatabase | undefined;
  beforeAll(async () => {
    ({ sim, database } = await openWorkerTestbed());
  });
  afterAll(async () => {
    await database?.close();
    await sim?.close();
  });
  beforeEach(async () => {
    if (!sim || !database) throw new Error("the worker testbed did not open");
    const db = database.prisma;
    await resetWorkerTestbed(sim, db);
    const fx = await seedFixture(db, sim);
    await setUp?.({ sim, db, fx, standing: standingAccess(sim) });
  });
}
