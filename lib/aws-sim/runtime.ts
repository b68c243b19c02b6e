import type { SimCredential, SimState } from "./types";

export const SERVICES = ["sso-admin", "identitystore", "organizations", "sts", "iam", "s3", "ec2", "secretsmanager"] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RateLimit {
  /** sustained requests per second */
  rate: number;
  /** bucket size: requests allowed in a burst */
  burst: number;
}

/** Fault rule for a service ("sso-admin") or one operation ("sso-admin.CreateAccountAssignment"). */
export interface FaultRule {
  /** extra latency before the request is handled */
  latencyMs?: number;
  /** 0..1: share of requests answered with an error instead */
  errorRate?: number;
  /**
   * which error: the service's internal error (500), its throttling error, an access denial, or a
   * ConflictException as AWS gives while another operation runs in the account (sso-admin; identitystore
   * gives CONCURRENT_MODIFICATION): the SDK does not retry it, the caller must.
   */
  errorKind?: "internal" | "throttle" | "access_denied" | "conflict";
  /** 0..1: share of async sso-admin operations that end FAILED */
  asyncFailureRate?: number;
  asyncFailureReason?: string;
}

export interface SimQuotas {
  permissionSetsPerInstance: number;
  permissionSetsPerAccount: number;
  outstandingAssignmentOperations: number;
  rolesPerAccount: number;
}

export interface SimConfig {
  asyncDelayMs: number;
  latencyMs: number;
  /**
   * perAccount: one bucket per calling account (and region for ec2/secretsmanager) for the families AWS
   * meters per account (iam, s3, ec2, secretsmanager), as AWS does; off = one bucket per service.
   */
  throttling: { enabled: boolean; rates: Record<ServiceName, RateLimit>; perAccount?: boolean };
  faults: Record<string, FaultRule>;
  quotas: SimQuotas;
  /** lifetime of AssumeRole credentials when DurationSeconds is absent */
  defaultSessionSeconds: number;
}

/**
 * Rates AWS documents where it does (Identity Center 20 TPS; EC2's non-mutating bucket of 100
 * refilling 20/s; STS 600/s per account) and conservative guesses where it does not
 * (Organizations, IAM, Secrets Manager ListSecrets).
 */
export const DEFAULT_RATES: Record<ServiceName, RateLimit> = {
  "sso-admin": { rate: 20, burst: 20 },
  identitystore: { rate: 20, burst: 20 },
  organizations: { rate: 10, burst: 20 },
  sts: { rate: 600, burst: 600 },
  iam: { rate: 20, burst: 40 },
  s3: { rate: 3500, burst: 3500 },
  ec2: { rate: 20, burst: 100 },
  secretsmanager: { rate: 50, burst: 50 },
};

export const DEFAULT_QUOTAS: SimQuotas = {
  permissionSetsPerInstance: 3500,
  permissionSetsPerAccount: 500,
  outstandingAssignmentOperations: 15,
  rolesPerAccount: 1000,
};

export interface CallContext {
  service: ServiceName;
  operation: string;
  caller: SimCredential;
  /** region from the SigV4 credential scope */
  region: string;
  requestId: string;
  now: number;
}

export interface SimRuntime {
  state: SimState;
  config: SimConfig;
  /** Picks the async FAILED injection for an operation, if any. */
  asyncFailure(service: ServiceName, operation: string): string | undefined;
}
