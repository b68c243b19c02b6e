import { defineConfig } from "vitest/config";
import path from "node:path";

const root = import.meta.dirname;
// With TEST_DATABASE_URL set (CI), the database tests run a second time against that PostgreSQL.
const postgresUrl = process.env.TEST_DATABASE_URL;

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    environment: "node",
    // `server-only` throws outside a React server bundle; tests import lib/ directly.
    alias: { "server-only": path.resolve(root, "lib/test/server-only-stub.ts") },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "pglite",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts"],
          env: { TEST_DATABASE_URL: "" },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: ["lib/**/*.integration.test.ts", "app/**/*.integration.test.ts"],
                exclude: ["lib/aws-sim/**"],
                env: { TEST_DATABASE_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
