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
