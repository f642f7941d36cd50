/**
 * The checks `sipwright validate` shares with a run (scenario-checks.ts): every problem at once, whatever its kind;
 * WebRTC SDP against the run's media kind; a file with no element at all; media files found as SIPp finds them.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadScenarioText } from "../../../src/scenario/load-scenario.js";
import { validateScenarioText, webrtcSdpProblems } from "../../../src/scenario/scenario-checks.js";

const NO_KEYS = new Map<string, string>();

function where(text: string, opts: { webrtc?: boolean; keys?: Map<string, string> } = {}): string[] {
  const { problems } = validateScenarioText(text, "s.xml", {
    keys: opts.keys ?? NO_KEYS,
    webrtc: opts.webrtc ?? false,
  });
  return problems.map((p) => `${p.loc.line}:${p.loc.column} ${p.message}`);
}

const OPTIONS = `<send><![CDATA[
    OPTIONS sip:[service]@[remote_ip] SIP/2.0
    X-Key: [nosuchkeyword]
    Content-Length: 0
  ]]></send>`;

const OWN_SDP_200 = `<scenario name="own">
  <recv request="INVITE"/>
  <send><![CDATA[
    SIP/2.0 200 OK
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    m=audio [media_port] RTP/AVP 8
  ]]></send>
</scenario>`;

const WEBRTC_OFFER = `<scenario name="w">
  <send><![CDATA[
    INVITE sip:[service]@[remote_ip] SIP/2.0
    Content-Length: [len]

    [webrtc_offer]
  ]]></send>
  <recv response="200"/>
</scenario>`;

describe("validate reports every problem at once", () => {
  it("lists an unknown keyword and a structural error together, in file order", () => {
    const text = `<scenario name="both">\n  ${OPTIONS}\n  <recv response="abc"/>\n</scenario>`;
    const found = where(text);
    assert.equal(found.length, 2, found.join("\n"));
    assert.match(found[0] ?? "", /^4:12 unknown keyword \[nosuchkeyword\]/);
    assert.match(found[1] ?? "", /^7:9 response="abc"/);
  });

  it("says an empty file is empty, at 1:1", () => {
    assert.deepEqual(where(""), ["1:1 empty file: no <scenario> element"]);
    assert.deepEqual(where("  \n\n"), ["1:1 empty file: no <scenario> element"]);
  });

  it("says a file of comments only has no <scenario> element, with a real line and column", () => {
    const found = where(`<?xml version="1.0"?>\n<!-- a comment -->\n<!-- another -->`);
    assert.deepEqual(found, ["3:17 no <scenario> element: the file holds only comments and declarations"]);
  });
});

describe("WebRTC SDP against the run's media kind", () => {
  it('rejects [webrtc_offer] without webrtc="true" or --webrtc, at the keyword, and accepts it with either', () => {
    assert.deepEqual(where(WEBRTC_OFFER), [
      '6:5 [webrtc_offer] needs a WebRTC run: add webrtc="true" to <scenario> or run with --webrtc',
    ]);
    assert.deepEqual(where(WEBRTC_OFFER, { webrtc: true }), []);
    assert.deepEqual(where(WEBRTC_OFFER.replace('name="w"', 'name="w" webrtc="true"')), []);
  });

  it("rejects an SDP the scenario writes itself in a WebRTC run, at its m= line", () => {
    assert.deepEqual(where(OWN_SDP_200), []);
    const found = where(OWN_SDP_200, { webrtc: true });
    assert.equal(found.length, 1);
    assert.match(
      found[0] ?? "",
      /^9:5 this scenario writes its own SDP; WebRTC needs \[webrtc_offer\] \/ \[webrtc_answer\]/,
    );
    const inScenario = webrtcSdpProblems(
      loadScenarioText(OWN_SDP_200.replace('"own"', '"own" webrtc="true"'), "s.xml"),
      false,
    );
    assert.equal(inScenario.length, 1);
  });
});

describe("media files named by actions (SIPp's find_file)", () => {
  const PCAP = resolve("test/fixtures/pcap/pcma-440hz-1s.pcap");
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "scenario-checks-"));
    await mkdir(join(dir, "sc", "pcap"), { recursive: true });
    await copyFile(PCAP, join(dir, "sc", "pcap", "g711a.pcap"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const scenario = (file: string): string => `<scenario name="p">
  <send><![CDATA[
    OPTIONS sip:[service]@[remote_ip] SIP/2.0
    Content-Length: 0
  ]]></send>
  <nop><action><exec play_pcap_audio="${file}"/></action></nop>
</scenario>`;

  it("finds a relative pcap next to the scenario file, whatever the working directory, and says so", async () => {
    const source = join(dir, "sc", "uac_pcap.xml");
    await writeFile(source, scenario("pcap/g711a.pcap"));
    const { problems, notes } = validateScenarioText(scenario("pcap/g711a.pcap"), source, {
      keys: NO_KEYS,
      webrtc: false,
    });
    assert.deepEqual(problems, []);
    assert.equal(notes.length, 1);
    assert.match(notes[0]?.message ?? "", /found next to the scenario: .*sc\/pcap\/g711a\.pcap$/);
  });

  it("falls back to the working directory when the file is not next to the scenario, as SIPp does", () => {
    // The fixture path is relative to the repository root (the cwd of the test run), not to <dir>/sc.
    const { problems, notes } = validateScenarioText(
      scenario("test/fixtures/pcap/pcma-440hz-1s.pcap"),
      join(dir, "sc", "x.xml"),
      { keys: NO_KEYS, webrtc: false },
    );
    assert.deepEqual(problems, []);
    assert.match(
      notes[0]?.message ?? "",
      /not next to the scenario \(.*sc\/test\/fixtures.*\), using the working directory/,
    );
  });
});
