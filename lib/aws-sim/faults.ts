import type { FaultRule, RateLimit, ServiceName, SimConfig } from "./runtime";

/** Per-service token buckets; each bucket refills continuously at `rate` up to `burst`. */
export class Throttler {
  private buckets = new Map<string, { tokens: number; last: number }>();

  constructor(private readonly config: SimConfig) {}

  take(service: ServiceName, now: number, scope = ""): boolean {
    if (!this.config.throttling.enabled) return true;
    const limit: RateLimit | undefined = this.config.throttling.rates[service];
    if (!limit) return true;
    const key = scope ? `${service}|${scope}` : service;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit.burst, last: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.last) * limit.rate) / 1000);
    b.last = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}

/** Operation-in-region rule overrides operation rule overrides service rule overrides the "*" rule, field by field. */
export function faultFor(config: SimConfig, service: ServiceName, operation: string, region?: string): FaultRule {
  const f = config.faults;
  return { ...(f["*"] ?? {}), ...(f[service] ?? {}), ...(f[`${service}.${operation}`] ?? {}), ...(region ? (f[`${service}.${operation}@${region}`] ?? {}) : {}) };
}
