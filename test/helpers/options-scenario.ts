/** A small OPTIONS scenario for tests: an optional pause, the OPTIONS request (From tag = call number), an optional 200. */
export function optionsScenario(opts: { name: string; pauseMs?: number; recvTimeoutMs?: number }): string {
  const pause = opts.pauseMs === undefined ? "" : `  <pause milliseconds="${opts.pauseMs}"/>\n`;
  const recv = opts.recvTimeoutMs === undefined ? "" : `  <recv response="200" timeout="${opts.recvTimeoutMs}"/>\n`;
  return `<scenario name="${opts.name}">
${pause}  <send><![CDATA[
    OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:a@[local_ip]>;tag=[call_number]
    To: <sip:[service]@[remote_ip]>
    Call-ID: [call_id]
    CSeq: 1 OPTIONS
    Content-Length: 0
  ]]></send>
${recv}</scenario>
`;
}
