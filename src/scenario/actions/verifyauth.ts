/**
 * `<verifyauth assign_to="ok" username="[$user]" password="[$pass]"/>`: the UAS side of digest authentication (SIPp
 * E_AT_VERIFY_AUTH). The digest response in the last received request's Authorization header is recomputed with
 * `password`, that request's method and body, and the header's own realm/nonce/uri/qop/nc/cnonce; the result is a
 * bool. SIPp reads only `Authorization:`; we fall back to `Proxy-Authorization:` for a proxy-style challenge.
 * No message, no header or a header that is not Digest gives false.
 * SIPp requires `username` and `password`; sipwright lets them default to `-au` (else `-s`) and `-ap` (else
 * "password"), the same defaults as `[authentication]`, so one command line serves both sides of a test.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import type { ActionHost } from "../runtime.js";
import type { TextTemplate } from "../template.js";
import { ACTION_OK } from "../runtime.js";
import { renderText } from "../render-message.js";
import { verifyAuthorization } from "../../sip/digest.js";

export const VERIFYAUTH_ATTRIBUTES = ["assign_to", "username", "password"] as const;

export function buildVerifyauth(a: ActionAttributes): Action | undefined {
  const target = a.variable("assign_to");
  const username = a.has("username") ? a.text("username") : undefined;
  const password = a.has("password") ? a.text("password") : undefined;
  if (a.failed || target === undefined) return undefined;
  return {
    name: "verifyauth",
    loc: a.loc,
    execute: (host) => {
      host.state.variables.set(target, { type: "bool", value: verify(host, username, password) });
      return ACTION_OK;
    },
  };
}

function verify(host: ActionHost, username: TextTemplate | undefined, password: TextTemplate | undefined): boolean {
  const message = host.state.lastMessage;
  if (message === undefined) return false;
  const authorization = message.header("Authorization") ?? message.header("Proxy-Authorization");
  if (authorization === undefined) return false;
  // SIPp behaviour: the method is the first word of the message's first line.
  const method = message.startLine.split(" ", 1)[0] ?? "";
  return verifyAuthorization({
    authorization,
    method,
    username:
      username === undefined
        ? (host.state.run.authUsername ?? host.state.run.service)
        : renderText(username, host.state),
    password: password === undefined ? (host.state.run.authPassword ?? "password") : renderText(password, host.state),
    body: message.body,
  });
}
