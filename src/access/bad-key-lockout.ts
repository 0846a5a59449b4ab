export interface BadKeyLockoutOptions {
  /** Bad keys from one address within the window that lock it out. */
  failureLimit: number;
  windowMilliseconds: number;
  /** The first lockout; each further lockout of the same address doubles it, up to the maximum. */
  lockoutMilliseconds: number;
  maximumLockoutMilliseconds: number;
  now?: () => number;
  /** Addresses tracked at once; the oldest entries go first, so a flood of addresses cannot grow memory. */
  maximumAddresses?: number;
}

interface AddressState {
  failures: number;
  windowStart: number;
  lockedUntil: number;
  /** Lockouts in a row; forgotten after a quiet period as long as the longest lockout. */
  strikes: number;
}

/**
 * Slows down key guessing per client address: after `failureLimit` bad keys within the window the address is
 * refused (429) without any key being checked, for a time that doubles with each lockout. Keys that were good
 * recently still pass, so one misconfigured desktop behind a contact centre's shared address does not lock out
 * its working neighbours.
 */
export class BadKeyLockout {
  readonly #options: Required<Omit<BadKeyLockoutOptions, 'now'>>;
  readonly #now: () => number;
  readonly #addresses = new Map<string, AddressState>();
  readonly #goodKeys = new Map<string, number>();

  constructor(options: BadKeyLockoutOptions) {
    this.#options = { maximumAddresses: 100_000, ...options };
    this.#now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.#options.failureLimit > 0;
  }

  /** Milliseconds the address must still wait, or 0 when it may try a key. */
  retryAfterMilliseconds(address: string): number {
    if (!this.enabled) return 0;
    const state = this.#addresses.get(address);
    if (!state) return 0;
    return Math.max(0, state.lockedUntil - this.#now());
  }

  /** Counts one bad key; returns the lockout it started in milliseconds, or 0. */
  recordFailure(address: string): number {
    if (!this.enabled) return 0;
    const now = this.#now();
    let state = this.#addresses.get(address);
    if (!state) {
      state = { failures: 0, windowStart: now, lockedUntil: 0, strikes: 0 };
      this.#remember(this.#addresses, address, state);
    }
    if (state.strikes > 0 && now - state.lockedUntil > this.#options.maximumLockoutMilliseconds) state.strikes = 0;
    if (now - state.windowStart > this.#options.windowMilliseconds) {
      state.failures = 0;
      state.windowStart = now;
    }
    state.failures += 1;
    if (state.failures < this.#options.failureLimit) return 0;
    state.strikes += 1;
    const lockout = Math.min(this.#options.maximumLockoutMilliseconds, this.#options.lockoutMilliseconds * 2 ** (state.strikes - 1));
    state.lockedUntil = now + lockout;
    state.failures = 0;
    state.windowStart = state.lockedUntil;
    return lockout;
  }

  /** Remembers a key (by its hash) that was just accepted, so it passes a lockout of its address. */
  recordGoodKey(keyHash: string): void {
    this.#remember(this.#goodKeys, keyHash, this.#now() + this.#options.maximumLockoutMilliseconds);
  }

  isKnownGoodKey(keyHash: string): boolean {
    const until = this.#goodKeys.get(keyHash);
    return until !== undefined && until > this.#now();
  }

  #remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.#options.maximumAddresses) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }
}
