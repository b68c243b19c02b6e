import { defineConfig } from "prisma/config";

// The Prisma CLI reads this. The portal itself never needs the CLI at run time:
// `npm run db:migrate` applies prisma/migrations through the driver adapter (lib/db/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused" },
});
