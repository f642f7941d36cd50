/** `sipwright serve`: starts the control plane and runs until SIGINT / SIGTERM (docs/api.md). */
import { startControlPlane } from "./server.js";
import type { ServeOptions } from "./serve-options.js";

export async function runServe(options: ServeOptions): Promise<number> {
  const plane = await startControlPlane(options);
  process.stdout.write(`sipwright serve: listening on ${plane.url}/ (data ${options.dataDir})\n`);
  if (plane.token !== undefined) {
    process.stdout.write(`token: ${plane.token}\nopen: ${plane.url}/#token=${plane.token}\n`);
  }
  await new Promise<void>((resolve) => {
    const end = (): void => {
      process.off("SIGINT", end);
      process.off("SIGTERM", end);
      resolve();
    };
    process.on("SIGINT", end);
    process.on("SIGTERM", end);
  });
  process.stdout.write("sipwright serve: stopping (running jobs get SIGTERM)\n");
  await plane.close();
  return 0;
}
