import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TokenRange } from "./range";
import { RequestScheduler } from "./scheduler";

type P = { token_range?: TokenRange; statistic?: string };

function setup(wait = 10, maxWait = 30, timeout = 1000, leading = false, interval = 0) {
  const sent: [P, number][] = [];
  const s = new RequestScheduler<P>({
    wait,
    maxWait,
    timeout,
    leading,
    interval,
    send: (p, seq) => sent.push([p, seq]),
  });
  return { s, sent };
}

describe("RequestScheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends at least every maxWait while pushes keep coming (live updates while dragging)", () => {
    const { s, sent } = setup();
    for (let t = 0; t < 100; t += 5) {
      s.push({ token_range: [t, t + 100] });
      vi.advanceTimersByTime(5);
      // answer immediately so the in-flight slot never blocks
      if (sent.length > 0) s.receive(sent[sent.length - 1]![1]);
    }
    // 100 ms of dragging with a 30 ms maxWait: about 3 sends, never zero, far fewer than 20 pushes
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(sent.map(([, seq]) => seq)).toEqual(sent.map((_, i) => i + 1));
  });

  it("debounces a burst into one request carrying the newest range", () => {
    const { s, sent } = setup(10, 30);
    s.push({ token_range: [1, 2] });
    vi.advanceTimersByTime(4);
    s.push({ token_range: [1, 5] });
    vi.advanceTimersByTime(9);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[{ token_range: [1, 5] }, 1]]);
  });

  it("keeps one request in flight and sends the newest queued change when it is answered", () => {
    const { s, sent } = setup(10, 30);
    s.push({ token_range: [1, 2] });
    vi.advanceTimersByTime(10);
    expect(sent.length).toBe(1);
    s.push({ token_range: [1, 3] });
    s.push({ token_range: [1, 4] });
    vi.advanceTimersByTime(50);
    expect(sent.length).toBe(1); // still waiting for the answer to request 1
    expect(s.busy()).toBe(true);
    expect(s.receive(1)).toBe("intermediate"); // newer range queued: stays stale
    expect(sent).toEqual([
      [{ token_range: [1, 2] }, 1],
      [{ token_range: [1, 4] }, 2],
    ]);
    expect(s.receive(2)).toBe("current");
    expect(s.busy()).toBe(false);
  });

  it("with leading, sends the first step of a drag at once and debounces the rest", () => {
    const { s, sent } = setup(10, 30, 1000, true);
    s.push({ token_range: [1, 2] });
    expect(sent).toEqual([[{ token_range: [1, 2] }, 1]]); // no wait while the kernel is idle
    s.push({ token_range: [1, 3] });
    s.push({ token_range: [1, 4] });
    vi.advanceTimersByTime(50);
    expect(sent.length).toBe(1); // held back while request 1 is in flight
    expect(s.receive(1)).toBe("intermediate");
    expect(sent[1]).toEqual([{ token_range: [1, 4] }, 2]);
    expect(s.receive(2)).toBe("current");
    s.push({ token_range: [1, 5] }); // idle again: immediate
    expect(sent.length).toBe(3);
  });

  it("drops late answers to older brushes", () => {
    const { s, sent } = setup();
    s.sendNow({ token_range: [1, 2] });
    s.sendNow({ token_range: [1, 3] });
    expect(sent.map(([, seq]) => seq)).toEqual([1, 2]);
    expect(s.receive(2)).toBe("current");
    expect(s.receive(1)).toBe("late");
    expect(s.receive(2)).toBe("late");
  });

  it("classifies an answer to an older request as intermediate while a newer one is out", () => {
    const { s } = setup();
    s.sendNow({ token_range: [1, 2] });
    s.sendNow({ token_range: [1, 3] });
    expect(s.receive(1)).toBe("intermediate");
    expect(s.busy()).toBe(true);
    expect(s.receive(2)).toBe("current");
  });

  it("merges queued changes of different fields and flushes them with sendNow", () => {
    const { s, sent } = setup();
    s.push({ token_range: [5, 9] });
    s.sendNow({ statistic: "p90" });
    expect(sent).toEqual([[{ token_range: [5, 9], statistic: "p90" }, 1]]);
    vi.advanceTimersByTime(100);
    expect(sent.length).toBe(1); // the debounce timers were cancelled
  });

  it("gives up on a lost answer after the timeout and sends what is queued", () => {
    const { s, sent } = setup(10, 30, 500);
    s.sendNow({ token_range: [1, 2] });
    s.push({ token_range: [1, 9] });
    vi.advanceTimersByTime(100);
    expect(sent.length).toBe(1);
    vi.advanceTimersByTime(400);
    expect(sent.length).toBe(2);
    expect(sent[1]).toEqual([{ token_range: [1, 9] }, 2]);
  });

  it("sends at most once per interval while a drag goes on, the last range always, at once on sendNow", () => {
    const { s, sent } = setup(10, 30, 1000, true, 100);
    for (let t = 0; t < 300; t += 5) {
      s.push({ token_range: [t, t + 100] });
      vi.advanceTimersByTime(5);
      if (sent.length > 0) s.receive(sent[sent.length - 1]![1]); // a kernel answering at once
    }
    // 300 ms of pointer moves every 5 ms: a send at 0, 100, 200 and 300 ms at most
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(4);
    s.push({ token_range: [1, 999] });
    s.sendNow(); // the hand stops: no waiting for the interval
    expect(sent[sent.length - 1]![0]).toEqual({ token_range: [1, 999] });
    expect(s.busy()).toBe(true);
    // a push left alone is sent once the interval is over, never dropped
    s.receive(sent[sent.length - 1]![1]);
    s.push({ token_range: [2, 3] });
    const before = sent.length;
    vi.advanceTimersByTime(100);
    expect(sent.length).toBe(before + 1);
    expect(sent[sent.length - 1]![0]).toEqual({ token_range: [2, 3] });
  });
});
