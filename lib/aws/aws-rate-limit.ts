import pThrottle from "p-throttle";

/**
 * Process-wide client-side rate limits per AWS API family, sized to AWS's published limits, so
 * the worker and discovery stay under them instead of learning them from ThrottlingException.
 * Replicas each get their own budget: AWS_REPLICAS (lib/env.ts) gives each its share at start-up (sharedAwsRateLimits).
 */
export type TApiFamily = "sso-admin" | "identitystore" | "organizations" | "sts" | "iam" | "s3" | "ec2" | "secretsmanager";

export const DEFAULT_AWS_RATE_LIMITS: Record<TApiFamily, number> = {
  "sso-admin": 20, // AWS-FACTS §6: 20 TPS combined
  identitystore: 20, // 20 TPS combined
  organizations: 10, // ~10 TPS per account for List*/Describe*
  sts: 500, // AssumeRole: 600 RPS per calling account and region; keep headroom
  iam: 20, // IAM's control-plane read rate is low and shared per account
  s3: 100,
  ec2: 50, // EC2 Describe* request-token bucket refills at ~20/s per region; bursts allowed
  secretsmanager: 50,
};

type TThrottled = <T>(fn: () => Promise<T>) => Promise<T>;

const holder = globalThis as unknown as { __jitAwsLimits?: { rates: Record<TApiFamily, number>; throttles: Map<string, TThrottled> } };
const state = (holder.__jitAwsLimits ??= { rates: { ...DEFAULT_AWS_RATE_LIMITS }, throttles: new Map() });

/** Changes the rates (tests, benchmarks, several replicas). Takes effect for new calls; the same rates again change nothing. */
export function configureAwsRateLimits(rates: Partial<Record<TApiFamily, number>>) {
  if (Object.entries(rates).every(([family, rate]) => state.rates[family as TApiFamily] === rate)) return;
  Object.assign(state.rates, rates);
  state.throttles.clear();
}

/** Each of `replicas` processes' share of AWS's per-family limits (AWS counts them per account, not per caller); at least 1/s. */
export function sharedAwsRateLimits(replicas: number, rates: Record<TApiFamily, number> = DEFAULT_AWS_RATE_LIMITS): Record<TApiFamily, number> {
  const n = Math.max(1, replicas);
  return Object.fromEntries(Object.entries(rates).map(([family, rate]) => [family, Math.max(1, Math.floor(rate / n))])) as Record<TApiFamily, number>;
}

export function awsRateLimits(): Readonly<Record<TApiFamily, number>> {
  return state.rates;
}

/**
 * Runs `fn` within the family's budget. `scope` separates budgets that AWS counts separately
 * (e.g. per account for IAM and EC2, per account+region for EC2); omit it for account-wide families.
 */
export function withAwsRateLimit<T>(family: TApiFamily, fn: () => Promise<T>, scope = ""): Promise<T> {
  const key = `${family}|${scope}`;
  let throttled = state.throttles.get(key);
  if (!throttled) {
    const rate = state.rates[family];
    // Spread the budget over 100 ms windows: smoother than a 1 s burst, same average.
    const limit = Math.max(1, Math.round(rate / 10));
    const throttle = pThrottle({ limit, interval: Math.round((limit / rate) * 1000), strict: true });
    const run = throttle(<R,>(f: () => Promise<R>) => f());
    throttled = <R,>(f: () => Promise<R>) => run(f) as Promise<R>;
    state.throttles.set(key, throttled);
  }
  return throttled(fn);
}
