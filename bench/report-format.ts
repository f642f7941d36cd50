/** Small helpers the benchmarks' reports share: means and ranges over rounds, right-aligned tables. */

/** The mean of the known values; null when none is known. */
export function mean(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

/** "lo–hi" of the known values (one value when they are equal), "-" when none is known. */
export function span(values: readonly (number | null | undefined)[], digits: number): string {
  const known = values.filter((v): v is number => v !== null && v !== undefined);
  if (known.length === 0) return "-";
  const [lo, hi] = [Math.min(...known), Math.max(...known)];
  return lo === hi ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
}

/** Prints rows (the first is the header) with every column right-aligned to its widest cell. */
export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join("  "));
}

/** value / base with two decimals, "-" when either is unknown. */
export const ratioText = (value: number | null, base: number | undefined): string =>
  value === null || base === undefined ? "-" : (value / base).toFixed(2);

interface PeakRss {
  readonly peak_rss_kb_per_call: number | null;
}

/** Mean peak RSS per call of the UAC and of the UAS over the rounds of one configuration, in KB. */
export function peakRssCells(steps: readonly { readonly uac: PeakRss; readonly uas: PeakRss }[]): string[] {
  return [steps.map((s) => s.uac.peak_rss_kb_per_call), steps.map((s) => s.uas.peak_rss_kb_per_call)].map((values) => {
    const m = mean(values);
    return m === null ? "-" : m.toFixed(0);
  });
}
