/**
 * `sipwright validate` as a user runs it: every problem at once, the same WebRTC checks as a run (with --webrtc
 * too), a clear word on empty files, media files found next to the scenario whatever the working directory; and a
 * `--webrtc` run of a scenario that writes its own SDP is refused before any traffic.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { runSipwright } from "../../helpers/sipwright.js";
import { flush, udpListener } from "../../helpers/udp-listener.js";

after(stopStartedProcesses);

const BOUND_MS = 30_000;
const PCAP = fileURLToPath(new URL("../../fixtures/pcap/pcma-440hz-1s.pcap", import.meta.url));

const BOTH = `<?xml version="1.0"?>
<scenario name="both">
  <send><![CDATA[
    OPTIONS sip:[service]@[remote_ip] SIP/2.0
    X-Key: [nosuchkeyword]
    Content-Length: 0
  ]]></send>
  <recv response="abc"/>
</scenario>
`;

const WEBRTC_OFFER = `<scenario name="w">
  <send><![CDATA[
    INVITE sip:[service]@[remote_ip] SIP/2.0
    Content-Length: [len]

    [webrtc_offer]
  ]]></send>
  <recv response="200"/>
</scenario>
`;

const UAC_PCAP = `<scenario name="uac_pcap">
  <send><![CDATA[
    OPTIONS sip:[service]@[remote_ip] SIP/2.0
    Content-Length: 0
  ]]></send>
  <nop><action><exec play_pcap_audio="pcap/g711a.pcap"/></action></nop>
</scenario>
`;

let dir = "";
const file = (name: string): string => join(dir, "sc", name);
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sipwright-validate-"));
  await mkdir(join(dir, "sc", "pcap"), { recursive: true });
  await mkdir(join(dir, "elsewhere"));
  await copyFile(PCAP, file("pcap/g711a.pcap"));
  await writeFile(file("both.xml"), BOTH);
  await writeFile(file("webrtc-offer.xml"), WEBRTC_OFFER);
  await writeFile(file("uac_pcap.xml"), UAC_PCAP);
  await writeFile(file("empty.xml"), "");
  await writeFile(file("comments.xml"), "<!-- nothing but a comment -->\n");
});
after(() => rm(dir, { recursive: true, force: true }));

describe("sipwright validate", () => {
  it("reports a structural error and an unknown keyword of one file together", async () => {
    const result = await runSipwright(["validate", file("both.xml")], { timeoutMs: BOUND_MS });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.deepEqual(result.stdout.trimEnd().split("\n"), [
      `${file("both.xml")}:5:12: error: unknown keyword [nosuchkeyword] (not a built-in keyword, and no -key nosuchkeyword)`,
      `${file("both.xml")}:8:9: error: response="abc" is not a valid integer`,
    ]);
  });

  it("gives an empty or comments-only file a real line:column and a reason", async () => {
    const result = await runSipwright(["validate", file("empty.xml"), file("comments.xml")], { timeoutMs: BOUND_MS });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.deepEqual(result.stdout.trimEnd().split("\n"), [
      `${file("empty.xml")}:1:1: error: empty file: no <scenario> element`,
      `${file("comments.xml")}:2:1: error: no <scenario> element: the file holds only comments and declarations`,
    ]);
  });

  it('rejects [webrtc_offer] without webrtc="true" as a run does, and accepts it with --webrtc', async () => {
    const plain = await runSipwright(["validate", file("webrtc-offer.xml")], { timeoutMs: BOUND_MS });
    assert.equal(plain.code, 1, plain.stdout + plain.stderr);
    assert.match(plain.stdout, /webrtc-offer\.xml:6:5: error: \[webrtc_offer\] needs a WebRTC run/);
    const run = await runSipwright(
      ["-sf", file("webrtc-offer.xml"), `${LOOPBACK}:9`, "-i", LOOPBACK, "-p", "0", "-m", "1"].concat([
        "--out",
        join(dir, "out-offer"),
        "--status",
        "none",
      ]),
      { timeoutMs: BOUND_MS },
    );
    assert.equal(run.code, 255, run.stderr);
    assert.ok(run.stderr.includes(plain.stdout.trimEnd()), `the run says what validate says:\n${run.stderr}`);
    const webrtc = await runSipwright(["validate", "--webrtc", file("webrtc-offer.xml")], { timeoutMs: BOUND_MS });
    assert.equal(webrtc.code, 0, webrtc.stdout + webrtc.stderr);
  });

  it("finds a pcap next to the scenario from another working directory, and says which file it used", async () => {
    const result = await runSipwright(["validate", file("uac_pcap.xml")], {
      cwd: join(dir, "elsewhere"),
      timeoutMs: BOUND_MS,
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(result.stdout.trimEnd().split("\n"), [
      `${file("uac_pcap.xml")}:6:16: note: play_pcap_audio "pcap/g711a.pcap": found next to the scenario: ` +
        file("pcap/g711a.pcap"),
      `${file("uac_pcap.xml")}: ok`,
    ]);
  });
});

describe("a --webrtc run of a scenario that writes its own RTP/AVP SDP", () => {
  it("is refused with exit 255 and the m= line's location, before any traffic", async () => {
    const { socket, port, received } = await udpListener();
    try {
      const result = await runSipwright(
        ["-sn", "rtp_uac", `${LOOPBACK}:${port}`, "--webrtc", "-i", LOOPBACK, "-p", "0", "-m", "1"].concat([
          "--out",
          join(dir, "out-rtp"),
          "--status",
          "none",
        ]),
        { timeoutMs: BOUND_MS },
      );
      assert.equal(result.code, 255, result.stderr);
      assert.match(
        result.stderr,
        /^builtin:rtp_uac:\d+:\d+: error: this scenario writes its own SDP; WebRTC needs \[webrtc_offer\] \/ \[webrtc_answer\]/m,
      );
      assert.deepEqual(
        await flush(port, received),
        [],
        "rtp_uac sent traffic before being refused (or the marker was lost)",
      );
    } finally {
      socket.close();
    }
  });
});
