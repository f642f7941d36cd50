/** Command-line values shared by the benchmarks: each error names the option and the value it refused. */

export function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: "${text}" is not a positive integer`);
  return n;
}

/** `--record on,off`. */
export function onOff(text: string): boolean {
  if (text === "on" || text === "off") return text === "on";
  throw new Error(`--record: "${text}" is not on or off`);
}

/** `--media-workers 0,1,2`: worker counts, 0 allowed. */
export function workerCounts(name: string, text: string): number[] {
  return text.split(",").map((item) => {
    const n = Number(item);
    if (!/^\d+$/.test(item) || !Number.isSafeInteger(n))
      throw new Error(`${name}: "${item}" is not a worker count (0 or more)`);
    return n;
  });
}

/** `--media-workers` for a sipwright command line: nothing when not given (the CLI's default). */
export const mediaWorkersArgs = (workers: number | null): string[] =>
  workers === null ? [] : ["--media-workers", String(workers)];

/** The label of a worker count in the tables. */
export const workersLabel = (workers: number | null): string => (workers === null ? "default" : String(workers));
