/**
 * Scenario pieces for the FakeClock engine tests: a request or a response step as a scenario author writes it, and
 * an INVITE from the peer to inject.
 */

/** A `<send>` of a request; `attributes` go on the element (`retrans="500"`), `cseq` replaces `[cseq]`. */
export function request(method: string, attributes = "", cseq = "[cseq]"): string {
  return `<send${attributes === "" ? "" : ` ${attributes}`}><![CDATA[
    ${method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:me@[local_ip]:[local_port]>;tag=me[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
    Call-ID: [call_id]
    CSeq: ${cseq} ${method}
    Max-Forwards: 70
    Content-Length: 0
  ]]></send>`;
}

/** A WebRTC run's INVITE: a `<send>` whose body is the bridge's offer (`[webrtc_offer]`). */
export function webrtcInvite(attributes = ""): string {
  return `<send${attributes === "" ? "" : ` ${attributes}`}><![CDATA[
    INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:me@[local_ip]:[local_port]>;tag=me[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>
    Call-ID: [call_id]
    CSeq: 1 INVITE
    Contact: <sip:me@[local_ip]:[local_port]>
    Content-Type: application/sdp
    Content-Length: [len]

    [webrtc_offer]
  ]]></send>`;
}

/** A `<send>` of a response to the last request received. */
export function response(status: string, attributes = ""): string {
  return `<send${attributes === "" ? "" : ` ${attributes}`}><![CDATA[
    SIP/2.0 ${status}
    [last_Via:]
    [last_From:]
    [last_To:];tag=uas[call_number]
    [last_Call-ID:]
    [last_CSeq:]
    Content-Length: 0
  ]]></send>`;
}

export const INVITE_FROM_PEER = [
  "INVITE sip:service@127.0.0.1:5060 SIP/2.0",
  "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-peer-1",
  "From: <sip:peer@127.0.0.1:5070>;tag=peer1",
  "To: <sip:service@127.0.0.1:5060>",
  "Call-ID: peer-call-1",
  "CSeq: 1 INVITE",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");
