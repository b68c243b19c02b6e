import { describeDatabase, getDatabase } from "./client.ts";

/** Health probe: one round trip, bounded so a hung database reports down instead of hanging. */
export async function checkDatabase(timeoutMs = 3_000): Promise<{ ok: boolean; database: string; latencyMs: number; error?: string }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const database = await getDatabase();
    await Promise.race([
      database.query("SELECT 1"),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { ok: true, database: describeDatabase(), latencyMs: Date.now() - started };
  } catch (e) {
    // The message can carry host names: it is for the health route's server log, not its public answer.
    return { ok: false, database: describeDatabase(), latencyMs: Date.now() - started, error: e instanceof Error ? e.message.split("\n")[0] : "unreachable" };
  } finally {
    clearTimeout(timer);
  }
}
