import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.ts";

const production = {
  NODE_ENV: "production",
  NEXTAUTH_SECRET: "x".repeat(40),
  OIDC_ISSUER: "https://idp.example.com",
  OIDC_CLIENT_ID: "portal",
  OIDC_CLIENT_SECRET: "s3cret",
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
  NEXTAUTH_URL: "https://access.example.com",
  DATABASE_URL: "postgresql://u:p@db:5432/jit",
};

describe("environment validation", () => {
  it("accepts a complete production environment", () => {
    const env = parseEnv({ ...production, ADMIN_EMAILS: "a@x.com, b@x.com" });
    expect(env.ADMIN_EMAILS).toEqual(["a@x.com", "b@x.com"]);
    expect(env.DEMO_MODE).toBe(false);
  });

  it("names a missing OIDC secret in production, in one line", () => {
    const { OIDC_CLIENT_SECRET: _omit, ...rest } = production;
    expect(() => parseEnv(rest)).toThrowError(/^Invalid environment variable OIDC_CLIENT_SECRET: is required in production \(DEMO_MODE off\)$/);
  });

  it("needs an https NEXTAUTH_URL in production (loopback excepted), so the session cookie is Secure", () => {
    const { NEXTAUTH_URL: _omit, ...rest } = production;
    expect(() => parseEnv(rest)).toThrowError(/^Invalid environment variable NEXTAUTH_URL: is required in production/);
    expect(() => parseEnv({ ...production, NEXTAUTH_URL: "http://access.example.com" })).toThrowError(/NEXTAUTH_URL: must be an https:\/\/ URL in production/);
    expect(() => parseEnv({ ...production, NEXTAUTH_URL: "http://127.0.0.1:3000" })).not.toThrow();
    expect(() => parseEnv({ ...production, NEXTAUTH_URL: "http://localhost:3000" })).not.toThrow();
  });

  it("names a bad DATABASE_URL and a short encryption key", () => {
    expect(() => parseEnv({ ...production, DATABASE_URL: "mysql://db/jit" })).toThrowError(/DATABASE_URL: must be a postgresql:\/\/ connection URL/);
    expect(() => parseEnv({ ...production, ENCRYPTION_KEY: "c2hvcnQ=" })).toThrowError(/ENCRYPTION_KEY: must be 32 bytes/);
  });

  it("reads previous encryption keys for a rotation, each checked like ENCRYPTION_KEY", () => {
    const old = [Buffer.alloc(32, 2).toString("base64"), Buffer.alloc(32, 3).toString("base64")];
    expect(parseEnv({ ...production, ENCRYPTION_KEY_PREVIOUS: ` ${old[0]} , ${old[1]}` }).ENCRYPTION_KEY_PREVIOUS).toEqual(old);
    expect(parseEnv(production).ENCRYPTION_KEY_PREVIOUS).toEqual([]);
    expect(() => parseEnv({ ...production, ENCRYPTION_KEY_PREVIOUS: `${old[0]},c2hvcnQ=` })).toThrowError(/^Invalid environment variable ENCRYPTION_KEY_PREVIOUS: must be 32-byte keys/);
  });

  it("refuses admins named by email when the IdP's emails need not be verified", () => {
    expect(() => parseEnv({ ...production, OIDC_ALLOW_UNVERIFIED_EMAIL: "1", ADMIN_EMAILS: "boss@x.com" })).toThrowError(/ADMIN_EMAILS: cannot be used with OIDC_ALLOW_UNVERIFIED_EMAIL=1/);
    expect(parseEnv({ ...production, OIDC_ALLOW_UNVERIFIED_EMAIL: "1", ADMIN_GROUPS: "portal-admins" }).ADMIN_GROUPS).toEqual(["portal-admins"]);
    expect(() => parseEnv({ ...production, OIDC_ALLOW_UNVERIFIED_EMAIL: "1", OIDC_RELINK_ACCOUNTS: "1" })).toThrowError(/OIDC_RELINK_ACCOUNTS: cannot be used with OIDC_ALLOW_UNVERIFIED_EMAIL=1/);
  });

  it("needs PostgreSQL in production, or an explicit embedded database on an absolute path", () => {
    const { DATABASE_URL: _omit, ...rest } = production;
    expect(() => parseEnv(rest)).toThrowError(/^Invalid environment variable DATABASE_URL: is required in production .*ALLOW_EMBEDDED_DATABASE=1/);
    expect(() => parseEnv({ ...rest, ALLOW_EMBEDDED_DATABASE: "1" })).toThrowError(/^Invalid environment variable DATA_DIR: must be an absolute path/);
    expect(parseEnv({ ...rest, ALLOW_EMBEDDED_DATABASE: "1", DATA_DIR: "/var/lib/jit" }).DATA_DIR).toBe("/var/lib/jit");
  });

  it("refuses demo mode in production unless AWS goes to a local simulator and no identity provider is set", () => {
    const demo = { NODE_ENV: "production", DEMO_MODE: "1" };
    // Real AWS (no endpoint, or a remote one): demo sign-in would hand out admin over a real organization.
    expect(() => parseEnv(demo)).toThrowError(/^Invalid environment variable DEMO_MODE: is only for the demo/);
    expect(() => parseEnv({ ...demo, AWS_ENDPOINT_URL: "https://sso.us-east-1.amazonaws.com" })).toThrowError(/DEMO_MODE: is only for the demo/);
    // A real deployment that also set DEMO_MODE: the IdP is there, so the password-less sign-in must not be.
    expect(() => parseEnv({ ...production, ...demo, AWS_ENDPOINT_URL: "http://127.0.0.1:4566" })).toThrowError(/DEMO_MODE: cannot be on with OIDC_ISSUER set/);
    expect(() => parseEnv({ ...demo, AWS_ENDPOINT_URL: "http://127.0.0.1:4566", DATABASE_URL: "postgresql://u:p@db:5432/jit" })).toThrowError(/DEMO_MODE: cannot be on with DATABASE_URL set/);
    expect(parseEnv({ ...demo, AWS_ENDPOINT_URL: "http://127.0.0.1:4566" }).DEMO_MODE).toBe(true);
    expect(parseEnv({ ...demo, AWS_ENDPOINT_URL: "http://localhost:4566" }).DEMO_MODE).toBe(true);
  });

  it("needs no secrets in demo mode or development, and none while the build runs", () => {
    expect(parseEnv({ NODE_ENV: "production", DEMO_MODE: "1", AWS_ENDPOINT_URL: "http://127.0.0.1:4566" }).DEMO_MODE).toBe(true);
    expect(parseEnv({ NODE_ENV: "development", DEMO_MODE: "1" }).DEMO_MODE).toBe(true);
    expect(parseEnv({}).NODE_ENV).toBe("development");
    expect(() => parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).not.toThrow();
  });
});
