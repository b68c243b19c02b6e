import { generateOrgState, type GenerateOptions } from "./generate";
import { emptySampleOrgState, sampleOrgState } from "./sample-org";
import type { SimState } from "./types";

export type SeedSpec = "sample" | "none" | { generate: GenerateOptions };

/**
 * "none" keeps the management account and its keys (so clients can still authenticate and
 * add data via the control API) but has no members, users or permission sets. `homeRegion` picks the
 * partition (default us-east-1, the commercial one).
 */
export function buildSeed(spec: SeedSpec, homeRegion?: string): SimState {
  if (spec === "sample") return sampleOrgState(Date.now(), homeRegion);
  if (spec === "none") return emptySampleOrgState(homeRegion);
  return generateOrgState(spec.generate, Date.now(), homeRegion);
}

/** Parses the CLI/env form: sample | none | generate:1000x50 */
export function parseSeedArg(arg: string): SeedSpec {
  if (arg === "sample" || arg === "none") return arg;
  const m = /^generate:(\d+)x(\d+)$/.exec(arg);
  if (m) return { generate: { accounts: Number(m[1]), resourcesPerAccount: Number(m[2]) } };
  throw new Error(`Unknown seed "${arg}". Use sample, none or generate:<accounts>x<resourcesPerAccount>.`);
}

export function parseSeedBody(body: Record<string, unknown>): SeedSpec {
  if (body.generate && typeof body.generate === "object") {
    const g = body.generate as Record<string, unknown>;
    const accounts = Number(g.accounts);
    const resourcesPerAccount = Number(g.resourcesPerAccount ?? 10);
    if (!Number.isInteger(accounts) || accounts < 0 || accounts > 100000) throw new Error("generate.accounts must be an integer 0..100000");
    if (!Number.isInteger(resourcesPerAccount) || resourcesPerAccount < 0 || resourcesPerAccount > 10000) throw new Error("generate.resourcesPerAccount must be an integer 0..10000");
    return { generate: { ...(g as object), accounts, resourcesPerAccount } };
  }
  const name = body.name ?? body.seed ?? "sample";
  if (name === "sample" || name === "none") return name;
  throw new Error(`Unknown seed "${String(name)}"`);
}
