/**
 * Call-ID generation from SIPp's `-cid_str` format.
 * SIPp behaviour: the default format is "%u-%p@%s": call number, process id, local IP (e.g. `1-29024@127.0.0.1`).
 */
export function formatCallId(format: string, callNumber: number, pid: number, localIp: string): string {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format.charAt(i);
    if (c !== "%" || i === format.length - 1) {
      out += c;
      continue;
    }
    const spec = format.charAt(++i);
    switch (spec) {
      case "u":
        out += String(callNumber);
        break;
      case "p":
        out += String(pid);
        break;
      case "s":
        out += localIp;
        break;
      case "%":
        out += "%";
        break;
      default:
        out += `%${spec}`;
    }
  }
  return out;
}
