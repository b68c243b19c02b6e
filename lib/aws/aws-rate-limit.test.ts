import { describe, expect, it } from "vitest";
import { DEFAULT_AWS_RATE_LIMITS, sharedAwsRateLimits } from "./aws-rate-limit.ts";

describe("sharedAwsRateLimits", () => {
  it("gives each replica its share of every family's limit, never below 1/s", () => {
    expect(sharedAwsRateLimits(1)).toEqual(DEFAULT_AWS_RATE_LIMITS);
    const three = sharedAwsRateLimits(3);
    expect(three["sso-admin"]).toBe(6); // 3 × 6 = 18 ≤ 20 TPS combined
    expect(three.organizations).toBe(3);
    for (const [family, rate] of Object.entries(three)) expect(rate * 3).toBeLessThanOrEqual(DEFAULT_AWS_RATE_LIMITS[family as keyof typeof three]);
    expect(sharedAwsRateLimits(50).organizations).toBe(1);
  });
});
