import { describe, expect, it } from 'vitest';
import { BadKeyLockout } from '../../src/access/bad-key-lockout.js';

function lockoutWithClock(overrides: Partial<ConstructorParameters<typeof BadKeyLockout>[0]> = {}) {
  const clock = { now: 1_000_000 };
  const lockout = new BadKeyLockout({
    failureLimit: 3,
    windowMilliseconds: 60_000,
    lockoutMilliseconds: 30_000,
    maximumLockoutMilliseconds: 120_000,
    now: () => clock.now,
    ...overrides,
  });
  return { lockout, clock };
}

describe('BadKeyLockout', () => {
  it('locks an address out after the limit of bad keys within the window, and only that address', () => {
    const { lockout } = lockoutWithClock();
    expect(lockout.recordFailure('10.0.0.1')).toBe(0);
    expect(lockout.recordFailure('10.0.0.1')).toBe(0);
    expect(lockout.retryAfterMilliseconds('10.0.0.1')).toBe(0);
    expect(lockout.recordFailure('10.0.0.1')).toBe(30_000);
    expect(lockout.retryAfterMilliseconds('10.0.0.1')).toBe(30_000);
    expect(lockout.retryAfterMilliseconds('10.0.0.2')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { lockout, clock } = lockoutWithClock();
    lockout.recordFailure('10.0.0.1');
    lockout.recordFailure('10.0.0.1');
    clock.now += 60_001;
    expect(lockout.recordFailure('10.0.0.1')).toBe(0);
    expect(lockout.retryAfterMilliseconds('10.0.0.1')).toBe(0);
  });

  it('doubles the lockout each time the address comes back guessing, up to the maximum, and resets after a quiet period', () => {
    const { lockout, clock } = lockoutWithClock();
    const lockOut = () => {
      let started = 0;
      for (let attempt = 0; attempt < 3; attempt += 1) started = lockout.recordFailure('10.0.0.1');
      return started;
    };
    expect(lockOut()).toBe(30_000);
    clock.now += 30_000;
    expect(lockout.retryAfterMilliseconds('10.0.0.1')).toBe(0);
    expect(lockOut()).toBe(60_000);
    clock.now += 60_000;
    expect(lockOut()).toBe(120_000);
    clock.now += 120_000;
    expect(lockOut()).toBe(120_000);
    // Quiet for longer than the longest lockout: the next offence starts from the first step again.
    clock.now += 120_000 + 120_001;
    expect(lockOut()).toBe(30_000);
  });

  it('lets keys that were good recently through a lockout, and forgets them later', () => {
    const { lockout, clock } = lockoutWithClock();
    lockout.recordGoodKey('hash-good');
    expect(lockout.isKnownGoodKey('hash-good')).toBe(true);
    expect(lockout.isKnownGoodKey('hash-other')).toBe(false);
    clock.now += 120_001;
    expect(lockout.isKnownGoodKey('hash-good')).toBe(false);
  });

  it('is off with a limit of 0', () => {
    const { lockout } = lockoutWithClock({ failureLimit: 0 });
    for (let attempt = 0; attempt < 100; attempt += 1) lockout.recordFailure('10.0.0.1');
    expect(lockout.enabled).toBe(false);
    expect(lockout.retryAfterMilliseconds('10.0.0.1')).toBe(0);
  });

  it('keeps memory bounded under a flood of addresses', () => {
    const { lockout } = lockoutWithClock({ failureLimit: 1, maximumAddresses: 100 });
    lockout.recordFailure('first');
    for (let index = 0; index < 1_000; index += 1) lockout.recordFailure(`10.1.${index >> 8}.${index & 255}`);
    expect(lockout.retryAfterMilliseconds('first')).toBe(0);
    expect(lockout.retryAfterMilliseconds('10.1.3.231')).toBe(30_000);
  });
});
