import { RateLimiter, type CounterStore, type LimitPolicy } from './rate-limiter';

// The limiter's arithmetic with a counter store in memory; the PostgreSQL store and two real
// gateway replicas are tested end to end (gateway/test/rate-limits.e2e.test.ts).

class MemoryStore implements CounterStore {
  readonly totals = new Map<string, number>();
  calls = 0;

  async add(counts: { key: string; windowStart: number; hits: number }[]): Promise<Map<string, number>> {
    this.calls += 1;
    const answer = new Map<string, number>();
    for (const { key, windowStart, hits } of counts) {
      const slot = `${key}@${windowStart}`;
      this.totals.set(slot, (this.totals.get(slot) ?? 0) + hits);
      answer.set(slot, this.totals.get(slot)!);
    }
    return answer;
  }
}

const user = (limit: number): LimitPolicy => ({ name: 'user', limit, windowSec: 60 });
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

function limiter(store: CounterStore, now: () => number, margin = 5) {
  return new RateLimiter(store, { flushIntervalMs: 100, margin: () => margin, now });
}

describe('RateLimiter', () => {
  it('does not count a request refused by a narrow limit against the wider ones after it', async () => {
    const one = limiter(new MemoryStore(), () => T0, 0);
    const client: LimitPolicy = { name: 'client', limit: 5, windowSec: 60 };
    const flood = [];
    for (let i = 0; i < 10; i += 1)
      flood.push(
        await one.check([
          { key: 'user:a', policy: user(2) },
          { key: 'client:web', policy: client },
        ]),
      );
    expect(flood.filter((verdict) => verdict.allowed)).toHaveLength(2);
    // Only user a's two allowed requests counted against the client: three are left for the others.
    const others = [];
    for (let i = 0; i < 4; i += 1)
      others.push(
        (
          await one.check([
            { key: `user:b${i}`, policy: user(2) },
            { key: 'client:web', policy: client },
          ])
        ).allowed,
      );
    expect(others).toEqual([true, true, true, false]);
  });

  it('counts locally far from the limit and asks the shared store on each request near it', async () => {
    const store = new MemoryStore();
    const one = limiter(store, () => T0);
    const verdicts = [];
    for (let i = 0; i < 12; i += 1) verdicts.push(await one.check([{ key: 'u1', policy: user(10) }]));
    expect(verdicts.map((verdict) => verdict.allowed)).toEqual([...Array(10).fill(true), false, false]);
    expect(verdicts[0].states[0]).toEqual({ policy: user(10), remaining: 9, resetSec: 60 });
    expect(verdicts[9].states[0].remaining).toBe(0);
    // The first 5 went unasked (5 or more left, the margin); each of the 7 later ones asked the store.
    expect(store.calls).toBe(7);
  });

  it('holds the limit across replicas sharing the store', async () => {
    const store = new MemoryStore();
    const replicas = [limiter(store, () => T0), limiter(store, () => T0)];
    let allowed = 0;
    for (let i = 0; i < 40; i += 1) {
      if ((await replicas[i % 2].check([{ key: 'u1', policy: user(20) }])).allowed) allowed += 1;
      if (i % 5 === 4) await Promise.all(replicas.map((replica) => replica.flush()));
    }
    expect(allowed).toBe(20);
  });

  it('refuses when any of its policies is exhausted, and starts again in the next window', async () => {
    const store = new MemoryStore();
    let now = T0;
    const one = limiter(store, () => now, 0);
    const limits = [
      { key: 'u1', policy: user(100) },
      { key: 'c1', policy: { name: 'client', limit: 2, windowSec: 60 } },
    ];
    expect((await one.check(limits)).allowed).toBe(true);
    expect((await one.check(limits)).allowed).toBe(true);
    const refused = await one.check(limits);
    expect(refused.allowed).toBe(false);
    expect(refused.states.map((state) => [state.policy.name, state.remaining])).toEqual([
      ['user', 97],
      ['client', 0],
    ]);
    now = T0 + 60_000;
    expect((await one.check(limits)).allowed).toBe(true);
  });

  it('skips unlimited policies and keeps counts a failed flush could not store', async () => {
    const failing: CounterStore = { add: async () => Promise.reject(new Error('down')) };
    const one = limiter(failing, () => T0);
    expect(await one.check([{ key: 'u1', policy: user(0) }])).toEqual({ allowed: true, states: [] });
    await one.check([{ key: 'u1', policy: user(100) }]);
    await expect(one.flush()).rejects.toThrow('down');
    const store = new MemoryStore();
    (one as unknown as { store: CounterStore }).store = store;
    await one.flush();
    expect(store.totals.get(`u1@${T0}`)).toBe(1);
  });
});
