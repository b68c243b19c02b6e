/**
 * Runs a command-line script so that expected failures (bad environment, unreachable database)
 * end with one line naming the problem instead of a stack trace.
 */
export async function runScript(main: () => Promise<void>) {
  try {
    await main();
  } catch (e) {
    const err = e as { name?: string; message?: string; code?: string };
    if (err?.name === "EnvError") console.error(err.message);
    else if (err?.code === "ECONNREFUSED" || err?.code === "ENOTFOUND" || err?.code === "28P01" || err?.code === "3D000")
      console.error(`Cannot connect to the database (DATABASE_URL): ${err.message ?? err.code}`);
    else console.error(e);
    process.exit(1);
  }
}
