import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { compileMessageTemplate, compileTextTemplate } from "../../../src/scenario/template.js";
import { formatTimestamp, renderMessage, renderText } from "../../../src/scenario/render-message.js";
import type { CallState, InjectionAccess } from "../../../src/scenario/runtime.js";
import { fakeRun, fakeState, NO_INJECTION, sipMessage, sipMessageBytes } from "./render-fake-state.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/render/${name}`, import.meta.url));

function render(raw: string, state: CallState = fakeState()): string {
  const { template, problems } = compileMessageTemplate(raw);
  assert.deepEqual(problems, []);
  return renderMessage(template, state).toString("utf8");
}

describe("renderMessage: CDATA and [len]", () => {
  it("renders a headers-only message with CRLF line ends, an empty last line and Content-Length padded to 5", () => {
    const raw =
      "\n\n      OPTIONS sip:x SIP/2.0   \n      Via: a\t\n\t  From: <sip:a@b>\n      Content-Length: [len]\n\n    ";
    assert.equal(render(raw), "OPTIONS sip:x SIP/2.0\r\nVia: a\r\n  From: <sip:a@b>\r\nContent-Length:     0\r\n\r\n");
  });

  it("counts the body bytes after the first CRLFCRLF and ends the body with one CRLF (sipp 3.6.1 bytes)", () => {
    const raw = "\n  MESSAGE sip:x@y SIP/2.0\n  Content-Length: [len]\n\n  v=0\n    o=x   \n  s=-\n\n    ";
    assert.equal(render(raw), "MESSAGE sip:x@y SIP/2.0\r\nContent-Length:    15\r\n\r\nv=0\r\no=x\r\ns=-\r\n");
  });

  it("adds the [len+N] offset", () => {
    assert.equal(
      render("M sip:x SIP/2.0\nContent-Length: [len+3]\n\nabc\n"),
      "M sip:x SIP/2.0\r\nContent-Length:     8\r\n\r\nabc\r\n",
    );
  });

  it("fills only the last [len] of a message, as sipp 3.6.1 does", () => {
    assert.equal(
      render("M sip:x SIP/2.0\nX: [len]\nL: [len]\n\nab\n"),
      "M sip:x SIP/2.0\r\nX:      \r\nL:     4\r\n\r\nab\r\n",
    );
  });
});

describe("renderMessage: call keywords", () => {
  it("renders [branch], [branch-1], [cseq+1], [remote_port+3] and [msg_index]", () => {
    const out = render("M sip:x SIP/2.0\nX: [branch] [branch-1] [cseq] [cseq+1] [remote_port+3] [msg_index]\n");
    assert.equal(out, "M sip:x SIP/2.0\r\nX: z9hG4bK-4242-7-3 z9hG4bK-4242-7-2 12 13 5063 3\r\n\r\n");
  });

  it("renders keyword values as UTF-8: short ASCII, non-ASCII, and values longer than the short-value copy", () => {
    const long = "x".repeat(70) + "é";
    const state = fakeState({
      vars: {
        a: { type: "string", value: "plain" },
        b: { type: "string", value: "héllo ✓ 𝄞" },
        c: { type: "string", value: long },
      },
    });
    const out = render("M sip:x SIP/2.0\nX: [$a] [$b] [$c]\n", state);
    assert.equal(out, `M sip:x SIP/2.0\r\nX: plain héllo ✓ 𝄞 ${long}\r\n\r\n`);
  });

  it("renders run and call values", () => {
    const out = render(
      "M sip:[service]@[remote_host] SIP/2.0\nX: [remote_ip] [local_ip]:[local_port] [local_ip_type] [transport] " +
        "[call_id] [call_number] [pid] [media_ip] [media_ip_type] [media_port+2] [auto_media_port] [dynamic_id] " +
        "[dynamic_id] [users] [userid] [sipp_version] [clock_tick]\n",
    );
    assert.equal(
      out,
      "M sip:service@peer.example.com SIP/2.0\r\nX: 192.0.2.10 192.0.2.1:5061 4 UDP 7-4242@192.0.2.1 7 4242 " +
        "192.0.2.1 4 6002 6024 10000 10004 0 0 sipwright-test 0\r\n\r\n",
    );
  });

  it("puts IPv6 addresses in brackets and says 6 for the IP type", () => {
    const state = fakeState({ run: fakeRun({ remoteIp: "2001:db8::1", localIp: "2001:db8::2", mediaIp: "::1" }) });
    assert.equal(
      render(
        "M sip:x SIP/2.0\nX: [remote_ip] [local_ip] [local_ip_type] [media_ip] [media_ip_type] [server_ip]\n",
        state,
      ),
      "M sip:x SIP/2.0\r\nX: [2001:db8::1] [2001:db8::2] 6 [::1] 6 2001:db8::2\r\n\r\n",
    );
  });

  it("renders a -key custom keyword, including one with an empty value", () => {
    const state = fakeState({
      run: fakeRun({
        keys: new Map([
          ["rtp_port", "7078"],
          ["empty_key", ""],
        ]),
      }),
    });
    assert.equal(
      render("M sip:x SIP/2.0\nX: [rtp_port]|[empty_key]|\n", state),
      "M sip:x SIP/2.0\r\nX: 7078||\r\n\r\n",
    );
  });

  it("renders [date] in RFC 1123 GMT form and [timestamp] in SIPp's log form", () => {
    const out = render("M sip:x SIP/2.0\nD: [date]\n");
    assert.equal(out, "M sip:x SIP/2.0\r\nD: Sat, 21 Nov 2026 05:17:48 GMT\r\n\r\n");
    assert.match(formatTimestamp(1795238268292), /^\d{4}-\d\d-\d\d\t\d\d:\d\d:\d\d\.292000\t1795238268\.292000$/);
  });
});

describe("renderMessage: variables and injection", () => {
  it("prints a double variable as %lf, a bool as true/false, strings as is and unset as empty", () => {
    const state = fakeState({
      vars: {
        d: { type: "double", value: 1 },
        n: { type: "double", value: -2.5 },
        b: { type: "bool", value: false },
        s: { type: "string", value: "abc" },
        r: { type: "regexp", value: "m1" },
      },
    });
    assert.equal(
      render("M sip:x SIP/2.0\nX: [$d] [$n] [$b] [$s] [$r] <[$unset]>\n", state),
      "M sip:x SIP/2.0\r\nX: 1.000000 -2.500000 false abc m1 <>\r\n\r\n",
    );
  });

  it("removes the line of an unset variable that starts a line", () => {
    assert.equal(render("M sip:x SIP/2.0\n[$unset]\nB: 1\n"), "M sip:x SIP/2.0\r\nB: 1\r\n\r\n");
  });

  it("repeats the [fill] text to the length held in a double variable", () => {
    const state = fakeState({ vars: { n: { type: "double", value: 5 } } });
    assert.equal(
      render("M sip:x SIP/2.0\nX: [fill variable=n text=ab]|[fill variable=n]\n", state),
      "M sip:x SIP/2.0\r\nX: ababa|XXXXX\r\n\r\n",
    );
  });

  it("reads [fieldN] from the call's line, from another file and from an explicit line", () => {
    const calls: unknown[] = [];
    const injection: InjectionAccess = {
      ...NO_INJECTION,
      field: (index, file, line) => {
        calls.push([index, file, line]);
        return `f${index}${file ?? ""}${line ?? ""}`;
      },
    };
    const state = fakeState({ injection, vars: { l: { type: "double", value: 4 } } });
    assert.equal(
      render('M sip:x SIP/2.0\nX: [field0] [field1 file=b.csv] [field2 line=3] [field3 line="[$l]"]\n', state),
      "M sip:x SIP/2.0\r\nX: f0 f1b.csv f23 f34\r\n\r\n",
    );
    assert.deepEqual(calls, [
      [0, undefined, undefined],
      [1, "b.csv", undefined],
      [2, undefined, 3],
      [3, undefined, 4],
    ]);
  });
});

describe("renderMessage: keywords from the last received message", () => {
  const invite = sipMessageBytes(fixture("uas-invite.sip"));
  const uasRoutes = {
    recordRoute: ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>, <sip:p3.example.com;lr>"],
    contact: "<sip:alice@10.0.0.1:5060>",
    fromRequest: true,
  };

  it("renders the 200 OK byte for byte as sipp 3.6.1 did for the same INVITE (fixture)", () => {
    const out = render(
      fixture("uas-200.cdata").toString("utf8"),
      fakeState({ lastMessage: invite, routeSet: uasRoutes }),
    );
    assert.equal(out, fixture("uas-200.expected.sip").toString("utf8"));
  });

  it("joins several Via lines into one header with ', ' and keeps the name as the peer wrote it", () => {
    const msg = sipMessage("SIP/2.0 200 OK\nvia: SIP/2.0/UDP a\nVia: SIP/2.0/UDP b\nv: SIP/2.0/UDP c\nCall-ID: x\n\n");
    const state = fakeState({ lastMessage: msg });
    assert.equal(
      render("ACK sip:x SIP/2.0\n[last_Via:]\n[last_via]\n", state),
      "ACK sip:x SIP/2.0\r\nvia: SIP/2.0/UDP a, SIP/2.0/UDP b\r\nvia: SIP/2.0/UDP a, SIP/2.0/UDP b\r\n\r\n",
    );
  });

  it("falls back to the compact form when the long form is absent", () => {
    const msg = sipMessage("SIP/2.0 200 OK\nv: SIP/2.0/UDP c\ni: abc\n\n");
    assert.equal(
      render("ACK sip:x SIP/2.0\n[last_Via:]\n[last_Call-ID:]\n", fakeState({ lastMessage: msg })),
      "ACK sip:x SIP/2.0\r\nv: SIP/2.0/UDP c\r\ni: abc\r\n\r\n",
    );
  });

  it("removes the whole line of an absent [last_X:] and renders nothing when it is mid-line", () => {
    const state = fakeState({ lastMessage: invite });
    assert.equal(
      render("SIP/2.0 200 OK\n[last_X-Absent:]\nX: a[last_X-Absent:]b\nContent-Length: 0\n", state),
      "SIP/2.0 200 OK\r\nX: ab\r\nContent-Length: 0\r\n\r\n",
    );
  });

  it("renders [last_Request_URI], [last_cseq_number] and [peer_tag_param] of a response", () => {
    const msg = sipMessage("SIP/2.0 200 OK\nTo: Bob <sip:bob@b.example>;tag=t9\nCSeq: 41 INVITE\n\n");
    assert.equal(
      render(
        "ACK [last_Request_URI] SIP/2.0\nX: [last_cseq_number]|[peer_tag_param]\n",
        fakeState({ lastMessage: msg, peerTag: "t9" }),
      ),
      "ACK sip:bob@b.example SIP/2.0\r\nX: 41|;tag=t9\r\n\r\n",
    );
    assert.equal(render("X: [peer_tag_param]\n", fakeState({ peerTag: undefined })), "X: \r\n\r\n");
  });

  it("renders [last_message] as the received bytes", () => {
    const msg = sipMessage("BYE sip:x SIP/2.0\nCall-ID: c\n\n");
    assert.equal(
      render("SIP/2.0 200 OK\n\n[last_message]", fakeState({ lastMessage: msg })),
      "SIP/2.0 200 OK\r\n\r\nBYE sip:x SIP/2.0\r\nCall-ID: c\r\n\r\n",
    );
  });
});

describe("renderMessage: [routes] and [next_url]", () => {
  const recordRoute = ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>, <sip:p3.example.com;lr>"];
  const template = "BYE [next_url] SIP/2.0\n[routes]\nCSeq: 3 BYE\n";

  it("reverses the Record-Route order for the UAC (sipp 3.6.1 bytes)", () => {
    const state = fakeState({ routeSet: { recordRoute, contact: "<sip:reg@10.9.9.9:5099;ob>", fromRequest: false } });
    assert.equal(
      render(template, state),
      "BYE sip:reg@10.9.9.9:5099;ob SIP/2.0\r\nRoute: <sip:p3.example.com;lr>, <sip:p2.example.com;lr>, <sip:p1.example.com;lr>\r\nCSeq: 3 BYE\r\n\r\n",
    );
  });

  it("keeps the Record-Route order for the UAS", () => {
    const state = fakeState({ routeSet: { recordRoute, contact: "sip:a@h", fromRequest: true } });
    assert.equal(
      render(template, state),
      "BYE sip:a@h SIP/2.0\r\nRoute: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\nCSeq: 3 BYE\r\n\r\n",
    );
  });

  it("removes the [routes] line when there is no route set", () => {
    const state = fakeState({ routeSet: { recordRoute: [], contact: "<sip:a@h>", fromRequest: false } });
    assert.equal(render(template, state), "BYE sip:a@h SIP/2.0\r\nCSeq: 3 BYE\r\n\r\n");
    assert.equal(render(template), "BYE  SIP/2.0\r\nCSeq: 3 BYE\r\n\r\n");
  });

  it("sends to a strict-router first hop and puts the remote target last in the route set", () => {
    const state = fakeState({
      routeSet: { recordRoute: ["<sip:strict.example.com>"], contact: "<sip:a@h>", fromRequest: false },
    });
    assert.equal(
      render(template, state),
      "BYE sip:strict.example.com SIP/2.0\r\nRoute: <sip:a@h>\r\nCSeq: 3 BYE\r\n\r\n",
    );
  });
});

describe("renderText", () => {
  it("renders an attribute value with keywords and no CDATA normalisation", () => {
    const { template } = compileTextTemplate(" call [call_number] of [$who] ");
    assert.equal(renderText(template, fakeState({ vars: { who: { type: "string", value: "me" } } })), " call 7 of me ");
  });
});

describe("renderMessage: run-constant keywords folded into the literal text once per run", () => {
  /** The same parts rendered piece by piece (a text template is never folded). */
  function unfolded(raw: string, state: CallState): string {
    const { template } = compileMessageTemplate(raw);
    return renderText({ kind: "text", parts: template.parts }, state);
  }

  const scenarios = ["uac.xml", "uas.xml", "branchc.xml", "ooc_default.xml"].map((name) =>
    readFileSync(new URL(`../../../scenarios/${name}`, import.meta.url), "utf8"),
  );
  const messages = scenarios.flatMap((xml) => [...xml.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[1] ?? ""));

  it("renders the built-in scenarios' messages byte for byte as piece by piece", () => {
    assert.ok(messages.length >= 5);
    const state = fakeState({ lastMessage: sipMessage(fixture("uas-invite.sip").toString("utf8")) });
    for (const raw of messages) assert.equal(render(raw, state), unfolded(raw, state));
  });

  it("keeps SIPp's vanishing line exact around run values that start with white space", () => {
    const state = fakeState({ run: fakeRun({ service: "  padded" }) });
    const raws = [
      "M sip:x SIP/2.0\nA: [$unset]\n[service]: y\n[$unset]\n   [local_ip] [service]\n[last_Foo:]\n[service][local_port]\n",
      "M sip:x SIP/2.0\n[$unset]\n\n[service]\n",
    ];
    for (const raw of raws) assert.equal(render(raw, state), unfolded(raw, state));
  });

  it("renders each run's own values when one template serves two runs", () => {
    const { template } = compileMessageTemplate("M sip:[service]@[remote_ip]:[remote_port] SIP/2.0\nX: [call_id]\n");
    const first = renderMessage(template, fakeState({ run: fakeRun({ remotePort: 5070 }) })).toString("utf8");
    const second = renderMessage(template, fakeState({ run: fakeRun({ remotePort: 5080, service: "é" }) }));
    assert.match(first, /^M sip:service@192\.0\.2\.10:5070 SIP\/2\.0\r\n/);
    assert.match(second.toString("utf8"), /^M sip:é@192\.0\.2\.10:5080 SIP\/2\.0\r\n/);
  });
});
