/**
 * SIPp-style scenarios with media for the tests, written the way users write them: their own SDP with
 * `[media_ip]` / `[media_port]`, and media actions after the ACK. Each test states only what differs (the codecs the
 * SDP lists, the actions while the call is up, how long it lasts, the checks before the BYE).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SdpCodec {
  readonly pt: number;
  readonly name: string;
}

export const PCMA: SdpCodec = { pt: 8, name: "PCMA" };
export const PCMU: SdpCodec = { pt: 0, name: "PCMU" };

function sdp(codecs: readonly SdpCodec[], telephoneEvent: boolean): string {
  const pts = codecs.map((c) => c.pt).concat(telephoneEvent ? [101] : []);
  return [
    "v=0",
    "o=- 1 1 IN IP[media_ip_type] [media_ip]",
    "s=-",
    "c=IN IP[media_ip_type] [media_ip]",
    "t=0 0",
    `m=audio [media_port] RTP/AVP ${pts.join(" ")}`,
    ...codecs.map((c) => `a=rtpmap:${c.pt} ${c.name}/8000`),
    ...(telephoneEvent ? ["a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15"] : []),
    "a=sendrecv",
  ]
    .map((line) => `      ${line}`)
    .join("\n");
}

const actions = (xml: readonly string[]): string =>
  xml.length === 0 ? "" : `  <nop><action>\n${xml.map((a) => `    ${a}`).join("\n")}\n  </action></nop>\n`;

export interface UacOptions {
  readonly codecs?: readonly SdpCodec[];
  readonly telephoneEvent?: boolean;
  /** Action elements run right after the ACK. */
  readonly start?: readonly string[];
  /** How long the call stays up after the ACK. */
  readonly talkMs?: number;
  /** Action elements run just before the BYE (checks). */
  readonly end?: readonly string[];
  /** `<recv response="200" ignoresdp="true">`: the answer's SDP is not used. */
  readonly ignoreSdp?: boolean;
}

/** A UAC: INVITE with our SDP, 200, ACK, `start` actions, `talkMs`, `end` actions, BYE. */
export function uacScenario(o: UacOptions = {}): string {
  return `<?xml version="1.0" encoding="ISO-8859-1"?>
<scenario name="media uac">
  <send retrans="500">
    <![CDATA[
      INVITE sip:service@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipwright <sip:sipwright@[local_ip]:[local_port]>;tag=[pid]T[call_number]
      To: sut <sip:service@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: sip:sipwright@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

${sdp(o.codecs ?? [PCMA, PCMU], o.telephoneEvent ?? true)}
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"${o.ignoreSdp === true ? ' ignoresdp="true"' : ""}/>
  <send>
    <![CDATA[
      ACK sip:service@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipwright <sip:sipwright@[local_ip]:[local_port]>;tag=[pid]T[call_number]
      To: sut <sip:service@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: sip:sipwright@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
${actions(o.start ?? [])}  <pause milliseconds="${o.talkMs ?? 2000}"/>
${actions(o.end ?? [])}  <send retrans="500">
    <![CDATA[
      BYE sip:service@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipwright <sip:sipwright@[local_ip]:[local_port]>;tag=[pid]T[call_number]
      To: sut <sip:service@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: sip:sipwright@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
`;
}

export interface UasOptions {
  readonly codecs?: readonly SdpCodec[];
  readonly telephoneEvent?: boolean;
  /** Action elements run when the ACK arrives. */
  readonly start?: readonly string[];
  /** Action elements run when the BYE arrives (before the 200). */
  readonly end?: readonly string[];
}

/** A UAS: INVITE, 200 with our SDP, ACK (`start` actions), BYE (`end` actions), 200. */
export function uasScenario(o: UasOptions = {}): string {
  const onAck = o.start === undefined ? "" : `<action>\n${o.start.map((a) => `    ${a}`).join("\n")}\n  </action>`;
  const onBye = o.end === undefined ? "" : `<action>\n${o.end.map((a) => `    ${a}`).join("\n")}\n  </action>`;
  return `<?xml version="1.0" encoding="ISO-8859-1"?>
<scenario name="media uas">
  <recv request="INVITE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]S[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

${sdp(o.codecs ?? [PCMA, PCMU], o.telephoneEvent ?? true)}
    ]]>
  </send>
  <recv request="ACK">${onAck}</recv>
  <recv request="BYE">${onBye}</recv>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
  <timewait milliseconds="1000"/>
</scenario>
`;
}

/** Writes a scenario into `dir` and returns its path. */
export function writeScenario(dir: string, name: string, xml: string): string {
  const path = join(dir, name);
  writeFileSync(path, xml);
  return path;
}
