/**
 * Our TURN REST credentials against a real coturn (`turnserver`, Debian package coturn) in `use-auth-secret` mode,
 * started here on 127.0.0.1 and stopped by pid. A raw TURN Allocate over UDP (test/helpers/turn-allocate.ts, built
 * from RFC 5389/5766, not werift) succeeds with our credentials and is refused (401) with a wrong secret or an
 * expired user name; a credential re-issued by the refresh rule allocates anew; and what a long call relies on: an
 * allocation keeps its own user name (441 for another) and coturn refreshes it past that name's expiry.
 * No network namespace is needed: only the configured server on 127.0.0.1 is contacted.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock, systemClock } from "../../src/shared/clock.js";
import { RestTurnCredentials, issueRestCredential } from "../../src/media/webrtc/turn-credentials.js";
import { formatTurnCred } from "../../src/cli/turn-cred.js";
import { LOOPBACK } from "../helpers/free-port.js";
import { describeProcess, stopStartedProcesses, waitExit } from "../helpers/processes.js";
import { TurnUdpClient } from "../helpers/turn-allocate.js";
import { SECRET, REALM, startCoturn, turnserverSkipReason, type Coturn } from "../helpers/coturn.js";

after(stopStartedProcesses);

describe("TURN REST credentials against coturn use-auth-secret", { skip: await turnserverSkipReason() }, () => {
  let dir = "";
  let coturn: Coturn | undefined;
  const clients: TurnUdpClient[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-turn-rest-"));
    coturn = await startCoturn(dir);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    if (coturn) {
      coturn.proc.kill("SIGTERM");
      await waitExit(coturn.proc, 10_000);
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function client(): Promise<TurnUdpClient> {
    assert.ok(coturn);
    const c = await TurnUdpClient.open(LOOPBACK, coturn.port);
    clients.push(c);
    return c;
  }

  /** coturn's clock runs in whole seconds and lags a little: new allocations with an expiring name are tried every
   * 200 ms (and released) until coturn refuses the name, or the bound passes. */
  async function untilCoturnRefuses(username: string, password: string, boundMs: number): Promise<void> {
    const deadline = Date.now() + boundMs;
    for (;;) {
      const probe = await client();
      const { response } = await probe.allocate(username, password);
      if (response.errorCode === 401) return;
      assert.equal(response.kind, "success", explain(response));
      assert.equal((await probe.refresh(username, password, 0)).kind, "success", "releases the probe allocation");
      assert.ok(Date.now() < deadline, `coturn still accepts ${username} ${boundMs} ms later`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  function explain(what: unknown): string {
    return `${JSON.stringify(what)}\n${coturn ? describeProcess(coturn.proc, 15) : ""}`;
  }

  it("allocates a relay with REST credentials (coturn's challenge names our realm)", async () => {
    const source = new RestTurnCredentials({ secret: SECRET, ttlSeconds: 600, user: "alice", clock: systemClock });
    const { username, credential } = source.current();
    const { challenge, response } = await (await client()).allocate(username, credential);
    assert.equal(challenge.realm, REALM);
    assert.equal(response.kind, "success", explain(response));
    assert.ok(coturn);
    assert.equal(response.relayed?.address, LOOPBACK);
    const port = response.relayed.port;
    assert.ok(port >= coturn.relay.min && port <= coturn.relay.max, `relay port ${port} in the configured range`);
  });

  it("refuses the allocation with 401 when the secret is wrong", async () => {
    const wrong = new RestTurnCredentials({
      secret: "not-the-secret",
      ttlSeconds: 600,
      user: "mallory",
      clock: systemClock,
    });
    const { username, credential } = wrong.current();
    const { response } = await (await client()).allocate(username, credential);
    assert.equal(response.kind, "error", explain(response));
    assert.equal(response.errorCode, 401, explain(response));
  });

  it("refuses a correctly signed user name whose expiry has passed", async () => {
    const expired = issueRestCredential({
      secret: SECRET,
      ttlSeconds: 60,
      user: "late",
      nowMs: Date.now() - 3_600_000,
    });
    const { response } = await (await client()).allocate(expired.username, expired.credential);
    assert.equal(response.kind, "error", explain(response));
    assert.equal(response.errorCode, 401, explain(response));
  });

  it("allocates anew with a credential re-issued by the refresh rule, and counts the refresh", async () => {
    const clock = new FakeClock(Date.now());
    const source = new RestTurnCredentials({ secret: SECRET, ttlSeconds: 120, user: "long-call", clock });
    const first = source.current();
    const { response } = await (await client()).allocate(first.username, first.credential);
    assert.equal(response.kind, "success", explain(response));
    clock.advance(61_000); // past refreshAtMs: 60 s before expiry for a 120 s TTL
    const second = source.current();
    assert.equal(source.refreshes, 1);
    assert.notEqual(second.username, first.username);
    const again = await (await client()).allocate(second.username, second.credential);
    assert.equal(again.response.kind, "success", explain(again.response));
  });

  it("answers 441 Wrong Credentials to a Refresh that changes the user name of an allocation", async () => {
    // RFC 5766 4 / 7.2: every request on an allocation must use the user name it was created with. So a re-issued
    // REST credential serves new allocations (ICE restart, re-gathering), not the running one.
    const clock = new FakeClock(Date.now());
    const source = new RestTurnCredentials({ secret: SECRET, ttlSeconds: 120, user: "long-call", clock });
    const first = source.current();
    const c = await client();
    assert.equal((await c.allocate(first.username, first.credential)).response.kind, "success");
    clock.advance(61_000);
    const second = source.current();
    const refreshed = await c.refresh(second.username, second.credential, 600);
    assert.equal(refreshed.errorCode, 441, explain(refreshed));
  });

  it("keeps an allocation past its user name's expiry: Refresh with its own user name still succeeds", async () => {
    // coturn behaviour (4.6.1): the expiry is checked when an allocation is created, not on its Refresh; so a call
    // longer than the TTL keeps its relay.
    const issued = issueRestCredential({ secret: SECRET, ttlSeconds: 1, user: "expiring", nowMs: Date.now() });
    const c = await client();
    const { response } = await c.allocate(issued.username, issued.credential);
    assert.equal(response.kind, "success", explain(response));
    await untilCoturnRefuses(issued.username, issued.credential, 10_000);
    const refreshed = await c.refresh(issued.username, issued.credential, 600);
    assert.equal(refreshed.kind, "success", explain(refreshed));
  });

  it("allocates with the credential `sipwright turn-cred --json` prints", async () => {
    const printed = JSON.parse(formatTurnCred({ secret: SECRET, ttlSeconds: 300, user: "cli", json: true })) as {
      username: string;
      password: string;
    };
    const { response } = await (await client()).allocate(printed.username, printed.password);
    assert.equal(response.kind, "success", explain(response));
  });
});
