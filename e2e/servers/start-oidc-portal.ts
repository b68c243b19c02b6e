// A production-mode portal (DEMO_MODE off) that signs in through a real OpenID Connect flow
// against a local provider (oidc-provider), to prove production sign-in works end to end.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import Provider from "oidc-provider";
import { OIDC_ACCOUNTS, OIDC_CLIENT, OIDC_ISSUER_PORT } from "./oidc-accounts.ts";
import { ROOT, ensureBuild } from "./ensure-build.ts";

ensureBuild();
const issuer = `http://localhost:${OIDC_ISSUER_PORT}`;
const portal = "http://localhost:3220";

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: OIDC_CLIENT.id,
      client_secret: OIDC_CLIENT.secret,
      redirect_uris: [`${portal}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
  conformIdTokenClaims: false,
  findAccount: (_ctx, id) => {
    const account = OIDC_ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, claims: () => ({ sub: id, email: account.email, email_verified: account.emailVerified ?? true, name: account.name, groups: account.groups }) };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [randomBytes(16).toString("hex")] },
});
// Local http issuer: allow the non-TLS redirect and cookies the provider would refuse in production.
provider.proxy = true;
await new Promise<void>((resolve) => provider.listen(OIDC_ISSUER_PORT, resolve));
console.log(`OIDC provider on ${issuer}`);

const dataDir = path.join(ROOT, ".data", "e2e-oidc");
rmSync(dataDir, { recursive: true, force: true });
const env = {
  ...process.env,
  NODE_ENV: "production" as const,
  DEMO_MODE: "0",
  DATA_DIR: dataDir,
  ALLOW_EMBEDDED_DATABASE: "1",
  PORT: "3220",
  NEXTAUTH_URL: portal,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  OIDC_ISSUER: issuer,
  OIDC_CLIENT_ID: OIDC_CLIENT.id,
  OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
  OIDC_NAME: "Corp SSO",
  ADMIN_GROUPS: "portal-admins",
  WORKER_INTERVAL_MS: "0",
};
const migrate = spawn("npx", ["tsx", "scripts/db-migrate.ts"], { cwd: ROOT, stdio: "inherit", env });
await new Promise<void>((resolve, reject) => migrate.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`)))));
const child = spawn("npx", ["next", "start", "--port", "3220"], { cwd: ROOT, stdio: "inherit", env });
for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, () => child.kill(s));
child.on("exit", (code) => process.exit(code ?? 0));
