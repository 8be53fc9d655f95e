import { backoffDelay, sleep, Wakeup, withJitter } from './timing';

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, 100, 5_000))).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000]);
  });

  it('stays at the cap for very large attempt numbers', () => {
    expect(backoffDelay(10_000, 100, 5_000)).toBe(5_000);
  });
});

describe('withJitter', () => {
  it('spreads the delay by at most the ratio either way', () => {
    expect(withJitter(1_000, 0.2, () => 0)).toBe(800);
    expect(withJitter(1_000, 0.2, () => 1)).toBe(1_200);
    expect(withJitter(1_000, 0.2, () => 0.5)).toBe(1_000);
  });
});

describe('sleep', () => {
  it('returns early when aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const slept = sleep(10_000, abort.signal);
    abort.abort();
    await slept;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('Wakeup', () => {
  it('ends a wait early when woken', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    const waiting = wakeup.wait(10_000);
    wakeup.wake();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('remembers a wake-up that came while nobody waited, once', async () => {
    const wakeup = new Wakeup();
    wakeup.wake();
    const started = Date.now();
    await wakeup.wait(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    const second = await Promise.race([
      wakeup.wait(200).then(() => 'slept'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 50)),
    ]);
    expect(second).toBe('still waiting');
  });
});
