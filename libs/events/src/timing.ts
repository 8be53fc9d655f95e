/** Delay before retry number `attempt` (1-based): initialMs, 2×, 4×, … capped at maxMs. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(maxMs, initialMs * 2 ** exponent);
}

/**
 * Spreads a delay by ±ratio so that replicas failing together do not retry in lockstep.
 */
export function withJitter(ms: number, ratio = 0.2, random: () => number = Math.random): number {
  return Math.round(ms * (1 - ratio + 2 * ratio * random()));
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects: callers check the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A sleep that can be cut short. A wake-up arriving while nobody waits is remembered, so a
 * notification that lands during work is not lost until the next poll interval.
 */
export class Wakeup {
  private pending = false;
  private release?: () => void;

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(), ms);
      this.release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    if (this.release) this.finish();
    else this.pending = true;
  }

  private finish(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }
}
