import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { build } from "./fake-host.js";

void describe("createAction", () => {
  void it("rejects an unknown action element, listing the known ones", () => {
    const { action, problems } = build("frobnicate", {});
    assert.equal(action, undefined);
    assert.match(problems.join(), /unknown action <frobnicate> \(known: ereg, assign, /);
  });

  void it("rejects an unknown attribute, naming the allowed ones", () => {
    const { action, problems } = build("assign", { assign_to: "x", value: "1", colour: "red" });
    assert.equal(action, undefined);
    assert.deepEqual(problems, ["<assign>: unknown attribute 'colour' (allowed: assign_to, value, variable)"]);
  });

  void it("rejects a bad boolean", () => {
    assert.match(
      build("ereg", { regexp: "a", assign_to: "v", check_it: "yes" }).problems.join(),
      /not a valid boolean/,
    );
  });

  void it("rejects media actions with a pointer to the media issue", () => {
    const forms: [string, Record<string, string>, string][] = [
      ["exec", { play_pcap_audio: "g711a.pcap" }, "play_pcap_audio"],
      ["exec", { play_pcap_video: "v.pcap" }, "play_pcap_video"],
      ["exec", { play_pcap_image: "fax.pcap" }, "play_pcap_image"],
      ["exec", { play_dtmf: "123" }, "play_dtmf"],
      ["exec", { rtp_stream: "hello.wav,-1,8,PCMA/8000" }, "rtp_stream"],
      ["exec", { rtp_echo: "startaudio,0,PCMU/8000" }, "rtp_echo"],
      ["rtp_echo", { value: "1" }, "rtp_echo"],
    ];
    for (const [tag, attrs, name] of forms) {
      const { action, problems } = build(tag, attrs);
      assert.equal(action, undefined);
      assert.equal(problems.length, 1, problems.join());
      assert.ok(
        problems[0]?.endsWith(`media action '${name}' is not supported yet (see the media issue)`),
        problems[0],
      );
    }
  });

  void it("builds every documented action with minimal valid attributes", () => {
    const minimal: [string, Record<string, string>][] = [
      ["ereg", { regexp: "a", assign_to: "v" }],
      ["assignstr", { assign_to: "v", value: "x" }],
      ["index", { assign_to: "v" }],
      ["lookup", { assign_to: "v", file: "f", key: "k" }],
      ["insert", { file: "f", value: "x" }],
      ["replace", { file: "f", line: "0", value: "x" }],
      ["verifyauth", { assign_to: "v", username: "u", password: "p" }],
      ["closecon", {}],
    ];
    for (const [tag, attrs] of minimal) {
      const { action, problems } = build(tag, attrs);
      assert.deepEqual(problems, [], tag);
      assert.equal(action?.name, tag);
      assert.deepEqual(action.loc, { file: "test.xml", line: 1, column: 1 });
    }
  });
});
