/**
 * Messages the engine sends on its own when it aborts a call (SIPp's default messages). A scenario overrides them
 * with `<DefaultMessage id="bye|cancel|ack">`.
 */
import { compileMessageTemplate } from "../../scenario/template.js";
import type { Scenario } from "../../scenario/model.js";
import type { DefaultTemplates } from "../run/run-context.js";

const BYE = `
BYE [last_Request_URI] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: [cseq] BYE
Max-Forwards: 70
Contact: <sip:sipwright@[local_ip]:[local_port];transport=[transport]>
Content-Length: 0
`;

const CANCEL = `
CANCEL [last_Request_URI] SIP/2.0
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: [last_cseq_number] CANCEL
Max-Forwards: 70
Content-Length: 0
`;

const ACK = `
ACK [last_Request_URI] SIP/2.0
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: [last_cseq_number] ACK
Max-Forwards: 70
Content-Length: 0
`;

function compile(raw: string): DefaultTemplates["bye"] {
  const { template, problems } = compileMessageTemplate(raw);
  if (problems.length > 0) throw new Error(`built-in default message does not compile: ${problems[0]?.message ?? ""}`);
  return template;
}

let builtins: DefaultTemplates | undefined;

export function defaultTemplates(scenario: Scenario): DefaultTemplates {
  builtins ??= { bye: compile(BYE), cancel: compile(CANCEL), ack: compile(ACK) };
  return {
    bye: scenario.defaultMessages.get("bye") ?? builtins.bye,
    cancel: scenario.defaultMessages.get("cancel") ?? builtins.cancel,
    ack: scenario.defaultMessages.get("ack") ?? builtins.ack,
  };
}
