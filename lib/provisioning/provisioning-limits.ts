import pLimit, { type LimitFunction } from "p-limit";

/**
 * Process-wide limits AWS imposes on Identity Center writes (AWS-FACTS §6): at most 15
 * account-assignment operations outstanding, and one permission-set change per account at a
 * time. Kept on globalThis because Next.js may load this module in several bundles of one process.
 * The rate limit per API family lives in lib/aws/aws-rate-limit.ts.
 */
export const MAX_ASSIGNMENT_OPERATIONS_IN_FLIGHT = 15;

type TRelease = () => void;

type TLimits = { inFlight: TSemaphore; accounts: Map<string, Promise<void>>; parked: Map<string, { release: TRelease; timer: NodeJS.Timeout }> };

/** A counting semaphore whose permit outlives one function call (held until the async status settles). */
class TSemaphore {
  private waiting: (() => void)[] = [];
  private used = 0;
  constructor(private size: number) {}
  /** Changes the number of permits (start-up configuration); a larger size admits waiters at once. */
  resize(size: number) {
    this.size = size;
    while (this.used < this.size && this.waiting.length > 0) this.waiting.shift()?.();
  }
  acquire(): Promise<TRelease> {
    return new Promise((resolve) => {
      const grant = () => {
        this.used += 1;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.used -= 1;
          this.waiting.shift()?.();
        });
      };
      if (this.used < this.size) grant();
      else this.waiting.push(grant);
    });
  }
  get inUse() {
    return this.used;
  }
}

const holder = globalThis as unknown as { __jitProvisioningLimits?: TLimits };
const limits = (holder.__jitProvisioningLimits ??= { inFlight: new TSemaphore(MAX_ASSIGNMENT_OPERATIONS_IN_FLIGHT), accounts: new Map(), parked: new Map() });
limits.parked ??= new Map();

/**
 * Sizes the in-flight limit for `replicas` portal processes sharing one organization (AWS counts the 15
 * per organization, not per caller): each process takes its share, at least one.
 */
export function shareAssignmentSlots(replicas: number): number {
  const size = Math.max(1, Math.floor(MAX_ASSIGNMENT_OPERATIONS_IN_FLIGHT / Math.max(1, replicas)));
  limits.inFlight.resize(size);
  return size;
}

/** One permit per in-flight account-assignment operation; release when its status settles. */
export function acquireAssignmentSlot(): Promise<TRelease> {
  return limits.inFlight.acquire();
}

export function assignmentSlotsInUse(): number {
  return limits.inFlight.inUse;
}

/** Serialises permission-set changes per AWS account: resolves with a release once the account is free. */
export function acquireAccount(accountId: string): Promise<TRelease> {
  const previous = limits.accounts.get(accountId) ?? Promise.resolve();
  let release!: TRelease;
  const mine = new Promise<void>((resolve) => {
    let done = false;
    release = () => {
      if (done) return;
      done = true;
      if (limits.accounts.get(accountId) === chained) limits.accounts.delete(accountId);
      resolve();
    };
  });
  const chained = previous.then(() => mine);
  limits.accounts.set(accountId, chained);
  return previous.then(() => release);
}

/**
 * Keeps a grant's account mutex and in-flight slot after its claim ended with an AWS operation still
 * outstanding (its status not yet settled), so other grants cannot exceed AWS's limits meanwhile. The
 * grant's next claim in this process takes them back (takeParkedHold); if another process claims it
 * instead, they are released after `maxMs`.
 */
export function parkHold(grantId: string, release: TRelease, maxMs: number): void {
  takeParkedHold(grantId)?.();
  const timer = setTimeout(() => takeParkedHold(grantId)?.(), maxMs);
  timer.unref?.();
  limits.parked.set(grantId, { release, timer });
}

/** The hold a previous claim of this grant parked, if any: the caller now owns (and must release) it. */
export function takeParkedHold(grantId: string): TRelease | undefined {
  const parked = limits.parked.get(grantId);
  if (!parked) return undefined;
  limits.parked.delete(grantId);
  clearTimeout(parked.timer);
  return parked.release;
}

/**
 * Waits at most `ms` for a permit. On time-out returns null and hands the permit straight back once it
 * comes, so the queue behind it moves on: a claim never blocks its tick behind a parked hold whose own
 * grant waits for a later tick.
 */
export async function acquireWithin(permit: Promise<TRelease>, ms: number): Promise<TRelease | null> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const got = await Promise.race([permit, timedOut]);
  clearTimeout(timer);
  if (got === null) void permit.then((release) => release());
  return got;
}

/** A small pool for per-tick concurrency (grants worked at once by one tick). */
export function workPool(concurrency: number): LimitFunction {
  return pLimit(concurrency);
}
