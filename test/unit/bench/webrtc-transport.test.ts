/** bench/webrtc.ts `--sip-transport`: the -t modes it accepts and the arguments each side of a pair gets. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listenProtocol, needsCerts, sipTransports, transportArgs } from "../../../bench/webrtc-transport.js";

const certs = { ca: "ca.crt", cert: "server.crt", key: "server.key" };

describe("bench/webrtc --sip-transport", () => {
  it("accepts a list of -t modes in the order given", () => {
    assert.deepEqual(sipTransports("u1,wss1"), ["u1", "wss1"]);
    assert.deepEqual(sipTransports("wss1,u1,t1"), ["wss1", "u1", "t1"]);
  });

  it("refuses an unknown mode and a mode given twice, naming the option and the value", () => {
    assert.throws(() => sipTransports("u1,sctp"), /--sip-transport: "sctp" is not one of u1, un/);
    assert.throws(() => sipTransports("u1,"), /--sip-transport: "" is not one of/);
    assert.throws(() => sipTransports("wss1,wss1"), /--sip-transport: "wss1" is given twice/);
  });

  it("gives the WSS server its certificate and the WSS client the CA", () => {
    assert.deepEqual(transportArgs("wss1", "uas", certs), [
      "-t",
      "wss1",
      "-tls_cert",
      "server.crt",
      "-tls_key",
      "server.key",
    ]);
    assert.deepEqual(transportArgs("wss1", "uac", certs), ["-t", "wss1", "-tls_ca", "ca.crt"]);
    assert.deepEqual(transportArgs("u1", "uas", undefined), ["-t", "u1"]);
    assert.throws(() => transportArgs("l1", "uac", undefined), /-t l1 needs certificates/);
  });

  it("knows which modes need certificates and what the UAS listens on", () => {
    assert.deepEqual(
      (["u1", "t1", "l1", "ws1", "wss1"] as const).map((m) => [needsCerts(m), listenProtocol(m)]),
      [
        [false, "udp"],
        [false, "tcp"],
        [true, "tcp"],
        [false, "tcp"],
        [true, "tcp"],
      ],
    );
  });
});
