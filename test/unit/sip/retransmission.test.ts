import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { FakeClock } from "../../../src/shared/clock.js";
import {
  Retransmitter,
  retransmitDelay,
  retransmitPolicy,
  type RetransmitPolicy,
} from "../../../src/sip/retransmission.js";

const invitePolicy: RetransmitPolicy = { t1: 500, t2: 4000, invite: true, maxRetrans: 5 };
const nonInvitePolicy: RetransmitPolicy = { t1: 500, t2: 4000, invite: false, maxRetrans: 7 };

/** Runs a Retransmitter on a FakeClock and records the times of resends and of exhaustion. */
function simulate(
  policy: RetransmitPolicy,
  stopAt?: number,
): { resends: number[]; exhaustedAt: number | undefined; r: Retransmitter } {
  const clock = new FakeClock();
  const resends: number[] = [];
  let exhaustedAt: number | undefined;
  const r = new Retransmitter({
    clock,
    policy,
    resend: () => resends.push(clock.now()),
    onExhausted: () => {
      exhaustedAt = clock.now();
    },
  });
  r.start();
  if (stopAt !== undefined) {
    clock.advance(stopAt);
    r.stop();
  }
  clock.advance(1_000_000);
  assert.equal(clock.pending, 0);
  return { resends, exhaustedAt, r };
}

void describe("retransmitDelay", () => {
  void it("doubles INVITE intervals from T1 without a cap: T1, 2*T1, 4*T1, 8*T1", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((a) => retransmitDelay(invitePolicy, a)),
      [500, 1000, 2000, 4000, 8000, 16000],
    );
  });

  void it("caps non-INVITE intervals at T2", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 8].map((a) => retransmitDelay(nonInvitePolicy, a)),
      [500, 1000, 2000, 4000, 4000, 4000],
    );
    assert.deepEqual(
      [1, 2, 3].map((a) => retransmitDelay({ ...nonInvitePolicy, t2: 1500 }, a)),
      [500, 1000, 1500],
    );
  });

  void it("keeps a first interval above T2, as SIPp only caps doubled intervals", () => {
    assert.equal(retransmitDelay({ ...nonInvitePolicy, t1: 5000 }, 1), 5000);
    assert.equal(retransmitDelay({ ...nonInvitePolicy, t1: 5000 }, 2), 4000);
  });
});

void describe("retransmitPolicy", () => {
  void it("uses the per-kind maximum, lowered by -max_retrans", () => {
    const base = { t1: 500, t2: 4000, maxInviteRetrans: 5, maxNonInviteRetrans: 7, maxRetrans: undefined };
    assert.equal(retransmitPolicy({ ...base, invite: true }).maxRetrans, 5);
    assert.equal(retransmitPolicy({ ...base, invite: false }).maxRetrans, 7);
    assert.equal(retransmitPolicy({ ...base, invite: false, maxRetrans: 3 }).maxRetrans, 3);
    assert.equal(retransmitPolicy({ ...base, invite: true, maxRetrans: 9 }).maxRetrans, 5);
  });
});

void describe("Retransmitter", () => {
  void it("retransmits an INVITE at T1, 3*T1, 7*T1, 15*T1, 31*T1 and gives up one interval after the 5th", () => {
    const { resends, exhaustedAt, r } = simulate(invitePolicy);
    assert.deepEqual(resends, [500, 1500, 3500, 7500, 15500]);
    assert.equal(exhaustedAt, 31500);
    assert.equal(r.count, 5);
    assert.equal(r.state, "exhausted");
  });

  void it("retransmits a non-INVITE 7 times with intervals capped at T2", () => {
    const { resends, exhaustedAt } = simulate(nonInvitePolicy);
    assert.deepEqual(resends, [500, 1500, 3500, 7500, 11500, 15500, 19500]);
    assert.equal(exhaustedAt, 23500);
  });

  void it("stops retransmitting when stopped and never reports exhaustion", () => {
    const { resends, exhaustedAt, r } = simulate(invitePolicy, 2000);
    assert.deepEqual(resends, [500, 1500]);
    assert.equal(exhaustedAt, undefined);
    assert.equal(r.state, "stopped");
  });

  void it("reports exhaustion after T1 when no retransmission is allowed", () => {
    const { resends, exhaustedAt } = simulate({ ...invitePolicy, maxRetrans: 0 });
    assert.deepEqual(resends, []);
    assert.equal(exhaustedAt, 500);
  });

  void it("does not re-arm when resend() stops it", () => {
    const clock = new FakeClock();
    let resends = 0;
    const r: Retransmitter = new Retransmitter({
      clock,
      policy: invitePolicy,
      resend: () => {
        resends++;
        r.stop();
      },
      onExhausted: () => assert.fail("must not be exhausted"),
    });
    r.start();
    clock.advance(100_000);
    assert.equal(resends, 1);
    assert.equal(clock.pending, 0);
  });

  void it("refuses to start twice", () => {
    const r = new Retransmitter({
      clock: new FakeClock(),
      policy: invitePolicy,
      resend: () => undefined,
      onExhausted: () => undefined,
    });
    r.start();
    assert.throws(() => {
      r.start();
    }, /running -> running/);
  });
});
