import pLimit, { type LimitFunction } from "p-limit";

/**
 * Process-wide limits AWS imposes on Identity Center writes (AWS-FACTS §6): at most 15
 * account-assignment operations outstanding, and one permission-set change per account at a
 * time. Kept on globalThis because Next.js may load this module in several bundles of one process.
 * The rate limit per API family lives in lib/aws/aws-rate-limit.ts.
 */
export const MAX_ASSIGNMENT_OPERATIONS_IN_FLIGHT = 15;

type TRelease = () => void;

type TLimits = { inFlight: TSemaphore; accounts: Map<string, Promise<void>> };

/** A counting semaphore whose permit outlives one function call (held until the async status settles). */
class TSemaphore {
  private waiting: (() => void)[] = [];
  private used = 0;
  constructor(private readonly size: number) {}
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
const limits = (holder.__jitProvisioningLimits ??= { inFlight: new TSemaphore(MAX_ASSIGNMENT_OPERATIONS_IN_FLIGHT), accounts: new Map() });

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

/** A small pool for per-tick concurrency (grants worked at once by one tick). */
export function workPool(concurrency: number): LimitFunction {
  return pLimit(concurrency);
}
