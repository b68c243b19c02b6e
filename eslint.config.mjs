import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

const config = [
  { ignores: [".next/**", "node_modules/**", "lib/db/generated/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...nextVitals,
  ...nextTs,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      // Type-aware rules that catch real bugs in async server code.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/env.ts (validated at start-up)." }],
    },
  },
  {
    // Entry points and tools that run before or outside the validated environment.
    files: ["lib/env.ts", "scripts/**", "prisma/**", "e2e/**", "lib/aws-sim/**", "**/*.test.ts", "*.config.*"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Test helpers named use*() register vitest hooks (useWorkerTestbed); they are not React hooks.
    files: ["**/*.test.ts", "**/*.test-helper.ts"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
];

export default config;
