import type { TGrantEvent } from "./grant-events.ts";
import { integrationAws, type TIntegrationAwsResolver } from "./integration-aws.ts";

/** Tunables of the provisioning worker. Defaults suit production; tests and benchmarks shorten them. */
export type TWorkerOptions = {
  /** Identifies this worker in Grant.lockedBy (host:pid:random by default). */
  workerId: string;
  /** Grants claimed per tick. */
  batchSize: number;
  /** Lease length; refreshed on every recorded step. A crashed worker's grants are re-claimable after it. */
  leaseMs: number;
  /** Steps one claim may advance a grant before releasing it (1 = exactly one step, for crash tests). */
  maxStepsPerClaim: number;
  /** How long one claim may wait inline (async status polls, short backoffs) before leaving the grant for a later tick. */
  maxInlineWaitMs: number;
  /** First status read after starting an async assignment operation, then the re-poll interval. */
  firstPollMs: number;
  pollIntervalMs: number;
  /** Non-throttling failures (conflicts, 5xx, async FAILED) tolerated while provisioning before the grant FAILS. */
  maxProvisionAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Revocation never gives up; its backoff is capped here. */
  revokeBackoffMaxMs: number;
  /** Wait after a call stayed throttled through the SDK's own retries (not counted as a failure). */
  throttleBackoffMs: number;
  /** Quota errors keep the grant waiting this long between tries (not counted as failures). */
  quotaRetryMs: number;
  /** A removal still failing this long after the grant's expiry (or revoke) alerts the admins, once per grant. */
  removalAlertAfterMs: number;
  /**
   * Epoch ms after which a tick starts no new step and waits no more (the route sets it below its host's
   * time limit): a tick cut off mid-step by its host is a crash, and every grant in flight waits out its lease.
   */
  deadline?: number;
  /** Grants worked at once by one tick (AWS limits are enforced separately). */
  concurrency: number;
  resolveAws: TIntegrationAwsResolver;
  /** Called after the transaction that moved a grant commits; must not throw (it is caught anyway). */
  notify?: (grantId: string, event: TGrantEvent) => Promise<unknown>;
  /** Test hook: called after each AWS call that changes something, before it is recorded (throw to simulate a crash). */
  afterAwsChange?: (grantId: string, operation: string) => void;
  /**
   * Test hook: called when a step starts (after the grant was read; awaited, so a test can change the
   * grant between the read and the step) and ends (detect two workers on one grant).
   */
  onStep?: (event: { grantId: string; workerId: string; phase: "start" | "end"; state: string; step: string | null }) => void | Promise<void>;
};

export function defaultWorkerId(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export function workerOptions(overrides: Partial<TWorkerOptions> = {}): TWorkerOptions {
  return {
    workerId: defaultWorkerId(),
    batchSize: 100,
    leaseMs: 120_000,
    maxStepsPerClaim: 25,
    maxInlineWaitMs: 20_000,
    firstPollMs: 250,
    pollIntervalMs: 250,
    maxProvisionAttempts: 8,
    backoffBaseMs: 1_000,
    backoffMaxMs: 60_000,
    revokeBackoffMaxMs: 300_000,
    quotaRetryMs: 300_000,
    removalAlertAfterMs: 300_000,
    throttleBackoffMs: 2_000,
    concurrency: 200,
    resolveAws: integrationAws,
    ...overrides,
  };
}
