import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { parseSipMessage } from "../../../src/sip/parse-sip-message.js";
import type { SipMessage } from "../../../src/sip/message.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/sip/${name}`, import.meta.url));

function parseOk(input: Buffer | string): SipMessage {
  const result = parseSipMessage(typeof input === "string" ? Buffer.from(input, "utf8") : input);
  if (!result.ok) assert.fail(`expected a message, got error: ${result.error}`);
  return result.message;
}

function parseError(input: Buffer | string): string {
  const result = parseSipMessage(typeof input === "string" ? Buffer.from(input, "utf8") : input);
  if (result.ok) assert.fail("expected a parse error");
  return result.error;
}

const crlf = (lines: string[]): string => lines.join("\r\n");

void describe("parseSipMessage on a real-looking INVITE with SDP", () => {
  const raw = fixture("invite-sdp.sip");
  const msg = parseOk(raw);

  void it("reads the request line", () => {
    assert.equal(msg.kind, "request");
    assert.equal(msg.method, "INVITE");
    assert.equal(msg.requestUri, "sip:service@127.0.0.1:5060");
    assert.equal(msg.startLine, "INVITE sip:service@127.0.0.1:5060 SIP/2.0");
    assert.equal(msg.status, 0);
    assert.equal(msg.reason, "");
  });

  void it("reads Call-ID and CSeq eagerly", () => {
    assert.equal(msg.callId, "1-1234@127.0.0.1");
    assert.deepEqual(msg.cseq, { seq: 1, method: "INVITE" });
  });

  void it("finds both Vias, the long and the compact one, in order", () => {
    assert.deepEqual(msg.headerAll("Via"), [
      "SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0;rport",
      "SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKproxy77;received=10.0.0.7",
    ]);
    assert.deepEqual(msg.headerAll("v"), msg.headerAll("VIA"));
    assert.equal(msg.topViaBranch(), "z9hG4bK-1234-1-0");
  });

  void it("returns every Record-Route line in order", () => {
    assert.deepEqual(msg.headerAll("record-route"), ["<sip:10.0.0.7;lr>", "<sip:10.0.0.8;lr;transport=udp>"]);
    assert.equal(msg.header("Record-Route"), "<sip:10.0.0.7;lr>");
  });

  void it("joins a folded header with one space", () => {
    assert.equal(msg.header("subject"), "Performance Test");
    assert.equal(msg.header("s"), "Performance Test");
  });

  void it("reads tags outside quoted display names and <...> URIs", () => {
    assert.equal(msg.fromTag(), "1234SIPpTag001");
    assert.equal(msg.toTag(), undefined);
  });

  void it("slices the body by Content-Length", () => {
    assert.equal(msg.body.length, Number(msg.header("Content-Length")));
    assert.ok(msg.bodyText().startsWith("v=0\r\n"));
    assert.ok(msg.bodyText().endsWith("telephone-event/8000\r\n"));
    assert.equal(msg.raw.length, raw.length);
    assert.equal(msg.text(), raw.toString("utf8"));
  });

  void it("gives the header section without the blank line", () => {
    const text = msg.headerText();
    assert.ok(text.startsWith("INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\n"));
    assert.ok(text.endsWith(`Content-Length: ${msg.body.length}\r\n`));
    assert.ok(!text.endsWith("\r\n\r\n"));
  });

  void it("lists header fields with their wire names", () => {
    const fields = msg.headerFields();
    assert.equal(fields.length, 13);
    assert.deepEqual(fields[1], {
      name: "v",
      value: "SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKproxy77;received=10.0.0.7",
    });
    assert.equal(fields.find((f) => f.name === "Subject")?.value, "Performance Test");
  });

  void it("returns undefined / [] for an absent header", () => {
    assert.equal(msg.header("Authorization"), undefined);
    assert.deepEqual(msg.headerAll("Route"), []);
  });
});

void describe("parseSipMessage on responses", () => {
  void it("reads the status line and takes the method from CSeq", () => {
    const msg = parseOk(fixture("ok-200-sdp.sip"));
    assert.equal(msg.kind, "response");
    assert.equal(msg.status, 200);
    assert.equal(msg.reason, "OK");
    assert.equal(msg.method, "INVITE");
    assert.equal(msg.requestUri, "");
    assert.equal(msg.toTag(), "5678SIPpTag011");
    assert.equal(msg.fromTag(), "1234SIPpTag001");
  });

  void it("accepts a multi-word reason phrase and an empty one", () => {
    assert.equal(parseOk("SIP/2.0 486 Busy Here\r\nCall-ID: a\r\n\r\n").reason, "Busy Here");
    assert.equal(parseOk("SIP/2.0 200 \r\n\r\n").reason, "");
  });
});

void describe("parseSipMessage line ends, names and bodies", () => {
  void it("accepts bare LF line ends", () => {
    const msg = parseOk("OPTIONS sip:a@b SIP/2.0\nCall-ID: lf-1\nCSeq: 7 OPTIONS\nl: 3\n\nabc");
    assert.equal(msg.method, "OPTIONS");
    assert.equal(msg.callId, "lf-1");
    assert.deepEqual(msg.cseq, { seq: 7, method: "OPTIONS" });
    assert.equal(msg.bodyText(), "abc");
    assert.equal(msg.headerText(), "OPTIONS sip:a@b SIP/2.0\nCall-ID: lf-1\nCSeq: 7 OPTIONS\nl: 3\n");
  });

  void it("counts Content-Length in bytes for a UTF-8 body", () => {
    const body = "hé ✓ 𝄞"; // 2 + 3 + 4 byte characters
    const bytes = Buffer.byteLength(body);
    assert.notEqual(bytes, body.length);
    const msg = parseOk(`MESSAGE sip:a@b SIP/2.0\r\nCall-ID: u\r\nContent-Length: ${bytes}\r\n\r\n${body}TRAILING`);
    assert.equal(msg.bodyText(), body);
    assert.equal(msg.body.length, bytes);
  });

  void it("takes the rest of the datagram as body when Content-Length is absent", () => {
    assert.equal(parseOk("MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nhello\r\n").bodyText(), "hello\r\n");
  });

  void it("skips CRLFs before the start line", () => {
    const msg = parseOk("\r\n\r\nBYE sip:a@b SIP/2.0\r\nCall-ID: z\r\n\r\n");
    assert.equal(msg.method, "BYE");
    assert.ok(msg.raw.toString().startsWith("BYE "));
  });

  void it("matches names case-insensitively and compact forms both ways", () => {
    const msg = parseOk(
      crlf([
        "NOTIFY sip:a@b SIP/2.0",
        "i: compact-call-id",
        "CSEQ: 2 NOTIFY",
        "m: <sip:c@d>",
        "o: presence",
        "u: dialog",
        "r: <sip:t@u>",
        "b: <sip:rb@u>",
        "x: 1800;refresher=uac",
        "k: timer",
        "c: text/plain",
        "e: gzip",
        "f: <sip:f@x>;tag=ft",
        "t: <sip:t@x>;tag=tt",
        "Content-Length: 0",
        "",
        "",
      ]),
    );
    assert.equal(msg.callId, "compact-call-id");
    assert.equal(msg.header("Call-ID"), "compact-call-id");
    assert.deepEqual(msg.cseq, { seq: 2, method: "NOTIFY" });
    assert.equal(msg.header("CONTACT"), "<sip:c@d>");
    assert.equal(msg.header("Event"), "presence");
    assert.equal(msg.header("Allow-Events"), "dialog");
    assert.equal(msg.header("Refer-To"), "<sip:t@u>");
    assert.equal(msg.header("Referred-By"), "<sip:rb@u>");
    assert.equal(msg.header("Session-Expires"), "1800;refresher=uac");
    assert.equal(msg.header("Supported"), "timer");
    assert.equal(msg.header("Content-Type"), "text/plain");
    assert.equal(msg.header("Content-Encoding"), "gzip");
    assert.equal(msg.fromTag(), "ft");
    assert.equal(msg.toTag(), "tt");
    assert.equal(msg.header("l"), "0");
  });

  void it("gives the lines of one exact name with headerLines: the first name as written, every value, no compact mapping", () => {
    const msg = parseOk(
      crlf(["SIP/2.0 200 OK", "record-ROUTE: <sip:p1;lr>", "m: <sip:c@d>", "Record-Route: <sip:p2;lr>", "", ""]),
    );
    assert.deepEqual(msg.headerLines("record-route"), {
      name: "record-ROUTE",
      values: ["<sip:p1;lr>", "<sip:p2;lr>"],
    });
    assert.equal(msg.headerLines("contact"), undefined);
    assert.deepEqual(msg.headerLines("m"), { name: "m", values: ["<sip:c@d>"] });
  });

  void it("parses one message after another without offsets of the earlier one leaking in", () => {
    const long = parseOk(crlf(["OPTIONS sip:a@b SIP/2.0", "A: 1", "B: 2", "C: 3", "Call-ID: long", "", ""]));
    const short = parseOk(crlf(["OPTIONS sip:a@b SIP/2.0", "Call-ID: short", "", ""]));
    assert.deepEqual(short.headerFields(), [{ name: "Call-ID", value: "short" }]);
    assert.equal(long.header("C"), "3");
    assert.equal(long.callId, "long");
  });

  void it("does not treat a missing Call-ID or CSeq as an error", () => {
    const msg = parseOk("ACK sip:a@b SIP/2.0\r\n\r\n");
    assert.equal(msg.callId, "");
    assert.equal(msg.cseq, undefined);
    assert.equal(parseOk("SIP/2.0 100 Trying\r\nCSeq: nonsense\r\n\r\n").method, "");
  });

  void it("reads a tag from a To without angle brackets, and ignores URI parameters inside <>", () => {
    assert.equal(parseOk("BYE sip:a@b SIP/2.0\r\nTo: sip:bob@h;tag=abc\r\n\r\n").toTag(), "abc");
    assert.equal(parseOk('BYE sip:a@b SIP/2.0\r\nTo: "x;tag=no" <sip:b@h;tag=no>\r\n\r\n').toTag(), undefined);
  });

  void it("reads the branch of the first Via when several are comma-joined on one line", () => {
    const msg = parseOk("BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h1;rport, SIP/2.0/UDP h2;branch=z9hG4bK2\r\n\r\n");
    assert.equal(msg.topViaBranch(), undefined);
  });
});

void describe("parseSipMessage errors", () => {
  const cases: [string, string, RegExp][] = [
    ["empty input", "", /empty/],
    ["only line ends", "\r\n\r\n", /empty/],
    ["no start line end", "INVITE sip:a@b SIP/2.0", /start line/],
    ["garbage start line", "hello world\r\n\r\n", /start line|request line/],
    ["request without version", "INVITE sip:a@b\r\n\r\n", /request line/],
    ["request with a wrong version", "INVITE sip:a@b SIP/3.0\r\n\r\n", /SIP\/2\.0/],
    ["request with an empty URI", "INVITE  SIP/2.0\r\n\r\n", /Request-URI/],
    ["status code of 2 digits", "SIP/2.0 20 OK\r\n\r\n", /3 digits/],
    ["status code of 4 digits", "SIP/2.0 2000 OK\r\n\r\n", /3 digits/],
    ["header line without a colon", "BYE sip:a@b SIP/2.0\r\nCall-ID x\r\n\r\n", /without a colon/],
    ["header with an empty name", "BYE sip:a@b SIP/2.0\r\n: x\r\n\r\n", /empty name/],
    ["missing blank line", "BYE sip:a@b SIP/2.0\r\nCall-ID: x\r\n", /blank line/],
    ["non-numeric Content-Length", "BYE sip:a@b SIP/2.0\r\nContent-Length: ten\r\n\r\n", /Content-Length/],
    ["negative Content-Length", "BYE sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n", /Content-Length/],
    ["Content-Length larger than the data", "BYE sip:a@b SIP/2.0\r\nContent-Length: 10\r\n\r\nabc", /truncated/],
    ["folded line before any header", "BYE sip:a@b SIP/2.0\r\n  x\r\n\r\n", /folded/],
  ];
  for (const [name, input, pattern] of cases) {
    void it(`reports ${name}`, () => {
      assert.match(parseError(input), pattern);
    });
  }
});

void describe("parseSipMessage robustness", () => {
  void it("never throws on 20,000 mutated messages", () => {
    const seeds = [fixture("invite-sdp.sip"), fixture("ok-200-sdp.sip"), Buffer.from("BYE sip:a@b SIP/2.0\nl: 0\n\n")];
    let state = 0x2545f491;
    const random = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const interesting = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x22, 0x3c, 0x3e, 0x00, 0xff, 0x30, 0x39];
    let parsed = 0;
    let failed = 0;
    for (let i = 0; i < 20_000; i++) {
      const seed = seeds[random(seeds.length)] ?? Buffer.alloc(0);
      let buf = Buffer.from(seed);
      const mutations = 1 + random(8);
      for (let m = 0; m < mutations; m++) {
        const at = random(buf.length + 1);
        switch (random(4)) {
          case 0:
            buf[at] = random(256);
            break;
          case 1:
            buf[at] = interesting[random(interesting.length)] ?? 0;
            break;
          case 2:
            buf = Buffer.concat([buf.subarray(0, at), buf.subarray(Math.min(buf.length, at + 1 + random(20)))]);
            break;
          default:
            buf = buf.subarray(0, at);
        }
      }
      const result = parseSipMessage(buf);
      if (result.ok) {
        parsed++;
        const msg = result.message;
        // Exercise the lazy accessors too.
        msg.headerFields();
        msg.headerText();
        msg.text();
        msg.topViaBranch();
        msg.toTag();
        msg.fromTag();
        msg.header("content-type");
        assert.ok(msg.body.length <= buf.length);
      } else {
        failed++;
        assert.equal(typeof result.error, "string");
      }
    }
    assert.ok(parsed > 100 && failed > 100, `parsed ${parsed}, failed ${failed}`);
  });
});
