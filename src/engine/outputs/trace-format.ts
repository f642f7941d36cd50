/**
 * SIPp's text formats for times and numbers in its trace and statistics files (src/stat.cpp), shared by the stat
 * CSV and the trace writers. Dates are local time, like SIPp's localtime().
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function splitMicros(wallMs: number): { date: Date; sec: number; us: number } {
  const totalUs = Math.round(wallMs * 1000);
  const sec = Math.floor(totalUs / 1_000_000);
  const us = totalUs - sec * 1_000_000;
  return { date: new Date(sec * 1000), sec, us };
}

function ymdHms(d: Date): { ymd: string; hms: string } {
  return {
    ymd: `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    hms: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
  };
}

/** SIPp behaviour (CStat::formatTime): `YYYY-MM-DD\tHH:MM:SS.uuuuuu\tepoch.uuuuuu`. */
export function formatSippDate(wallMs: number): string {
  const { date, sec, us } = splitMicros(wallMs);
  const { ymd, hms } = ymdHms(date);
  const u = pad(us, 6);
  return `${ymd}\t${hms}.${u}\t${pad(sec, 10)}.${u}`;
}

/** SIPp behaviour (CStat::formatTime with_epoch): `YYYY-MM-DD HH:MM:SS.uuuuuu`, used by the message trace. */
export function formatSippDateSpaced(wallMs: number): string {
  const { date, us } = splitMicros(wallMs);
  const { ymd, hms } = ymdHms(date);
  return `${ymd} ${hms}.${pad(us, 6)}`;
}

/** SIPp behaviour (CStat::msToHHMMSS): elapsed time as `HH:MM:SS`, hours not capped. */
export function formatHhMmSs(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/**
 * SIPp behaviour (CStat::msToHHMMSSus): a duration as `HH:MM:SS:uuuuuu`. SIPp feeds it whole milliseconds; we keep
 * the microseconds we measured.
 */
export function formatHhMmSsUs(ms: number): string {
  const totalUs = Math.round(Math.max(0, ms) * 1000);
  const s = Math.floor(totalUs / 1_000_000);
  const us = totalUs - s * 1_000_000;
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}:${pad(us, 6)}`;
}

/**
 * C++ ostream's default formatting of a floating-point number (printf `%g`, precision 6), as SIPp prints call rates
 * and RTT values: `3.98804`, `111.111`, `10`, `0`, `1e+06`.
 */
export function formatG(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [mant = "0", e = "0"] = x.toExponential(5).split("e");
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const en = Number(e);
    return `${m}e${en < 0 ? "-" : "+"}${pad(Math.abs(en))}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}
