import type { Queryable } from '@liaison/runtime';

// Rate limits per user and per client (GW-07) that hold across gateway replicas: fixed windows
// counted in a table every replica shares. Asking the table on every request would cost each
// request a round trip, so a replica counts locally and adds its count to the table in batches
// (every flushIntervalMs); only when a key comes within `margin` of its limit does it ask the
// table on each request, so that the limit holds exactly where it matters. Replicas can together
// let through at most what arrives in one flush interval beyond the margin.

export interface LimitPolicy {
  /** Named in the RateLimit fields, e.g. "user". */
  name: string;
  /** Requests per window; 0 = unlimited. */
  limit: number;
  windowSec: number;
}

export interface LimitState {
  policy: LimitPolicy;
  remaining: number;
  /** Seconds until the window ends. */
  resetSec: number;
}

export interface Verdict {
  allowed: boolean;
  states: LimitState[];
}

/** Adds counts to keys' windows and answers each total after the addition. */
export interface CounterStore {
  add(counts: { key: string; windowStart: number; hits: number }[]): Promise<Map<string, number>>;
}

interface Window {
  start: number;
  end: number;
  /** The shared total as last read from the store. */
  shared: number;
  /** Counted here since the last flush. */
  unflushed: number;
}

const slotOf = (key: string, windowStart: number) => `${key}@${windowStart}`;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: CounterStore,
    private readonly options: { flushIntervalMs: number; margin: (limit: number) => number; now?: () => number },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.options.flushIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Counts one request against each (key, policy); refused as soon as one is exhausted. */
  async check(limits: { key: string; policy: LimitPolicy }[]): Promise<Verdict> {
    const now = (this.options.now ?? Date.now)();
    const states: LimitState[] = [];
    let allowed = true;
    for (const { key, policy } of limits) {
      if (policy.limit <= 0) continue;
      const windowMs = policy.windowSec * 1000;
      const start = Math.floor(now / windowMs) * windowMs;
      const used = await this.count(key, start, start + windowMs, policy.limit);
      const resetSec = Math.max(1, Math.ceil((start + windowMs - now) / 1000));
      states.push({ policy, remaining: Math.max(0, policy.limit - used), resetSec });
      if (used > policy.limit) {
        // A refused request does not count against the wider limits after it: one user (or one
        // address) over its own limit must not use up its client's (or its form's) for everyone.
        allowed = false;
        break;
      }
    }
    return { allowed, states };
  }

  /** The key's count in the window including this request. */
  private async count(key: string, start: number, end: number, limit: number): Promise<number> {
    const slot = slotOf(key, start);
    const window = this.windowOf(slot, start, end);
    const estimate = window.shared + window.unflushed + 1;
    if (limit - estimate >= this.options.margin(limit)) {
      window.unflushed += 1;
      return estimate;
    }
    // Near the limit: the shared count decides, this request included. The local count is taken
    // before the round trip, so that concurrent requests never add it twice.
    const hits = window.unflushed + 1;
    window.unflushed = 0;
    const totals = await this.store.add([{ key, windowStart: start, hits }]);
    const total = totals.get(slot) ?? estimate;
    window.shared = Math.max(window.shared, total);
    return total;
  }

  private windowOf(slot: string, start: number, end: number): Window {
    let window = this.windows.get(slot);
    if (!window) {
      window = { start, end, shared: 0, unflushed: 0 };
      this.windows.set(slot, window);
    }
    return window;
  }

  /** Adds the local counts to the store, learns the shared totals, forgets ended windows. */
  async flush(): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    const counts: { key: string; windowStart: number; hits: number }[] = [];
    for (const [slot, window] of this.windows) {
      if (window.unflushed > 0)
        counts.push({ key: slot.slice(0, slot.lastIndexOf('@')), windowStart: window.start, hits: window.unflushed });
    }
    const flushed = [...this.windows].filter(([, window]) => window.unflushed > 0);
    for (const [, window] of flushed) window.unflushed = 0;
    if (counts.length > 0) {
      try {
        const totals = await this.store.add(counts);
        for (const [slot, total] of totals) {
          const window = this.windows.get(slot);
          if (window) window.shared = Math.max(window.shared, total);
        }
      } catch (error) {
        // Counted again at the next flush rather than lost.
        for (const [index, [, window]] of flushed.entries()) window.unflushed += counts[index].hits;
        throw error;
      }
    }
    for (const [slot, window] of this.windows) {
      if (window.end < now && window.unflushed === 0) this.windows.delete(slot);
    }
  }
}

/** The counters in the gateway's database (rate_limit_counters). */
export class PgCounterStore implements CounterStore {
  constructor(private readonly db: Queryable) {}

  async add(counts: { key: string; windowStart: number; hits: number }[]): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ key: string; window_start: string; hits: string }>(
      `INSERT INTO rate_limit_counters (key, window_start, hits)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + EXCLUDED.hits
       RETURNING key, window_start, hits`,
      [counts.map((count) => count.key), counts.map((count) => count.windowStart), counts.map((count) => count.hits)],
    );
    return new Map(rows.map((row) => [slotOf(row.key, Number(row.window_start)), Number(row.hits)]));
  }

  /** Forgets windows that ended before `before` (ms). */
  async prune(before: number): Promise<void> {
    await this.db.query('DELETE FROM rate_limit_counters WHERE window_start < $1', [before]);
  }
}
