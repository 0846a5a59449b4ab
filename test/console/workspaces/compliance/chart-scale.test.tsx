import { describe, expect, it } from 'vitest';
import { bandScale, linearScale, niceStep } from '../../../../console/src/workspaces/compliance/chart-scale';

describe('niceStep', () => {
  it('is 1, 2 or 5 times a power of ten, about span/count', () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(7, 5)).toBe(2);
    expect(niceStep(0.9, 5)).toBeCloseTo(0.2);
    expect(niceStep(1234, 4)).toBe(500);
    expect(niceStep(0, 5)).toBe(1);
  });
});

describe('linearScale', () => {
  it('starts bars at zero and ends on a round tick at or above the largest value', () => {
    const scale = linearScale([3, 17, 42], [0, 200]);
    expect(scale.domain[0]).toBe(0);
    expect(scale.domain[1]).toBeGreaterThanOrEqual(42);
    expect(scale.ticks[0]).toBe(0);
    expect(scale.ticks[scale.ticks.length - 1]).toBe(scale.domain[1]);
    expect(scale(0)).toBe(0);
    expect(scale(scale.domain[1])).toBe(200);
    expect(scale(17)).toBeLessThan(scale(42));
  });

  it('maps an inverted pixel range (y grows down) and survives empty or all-zero data', () => {
    const scale = linearScale([5, 10], [150, 10]);
    expect(scale(0)).toBe(150);
    expect(scale(10)).toBeLessThan(scale(5));
    const empty = linearScale([], [0, 100]);
    expect(Number.isFinite(empty(0))).toBe(true);
    expect(empty.ticks.length).toBeGreaterThanOrEqual(2);
    const zeros = linearScale([0, 0], [0, 100]);
    expect(zeros(0)).toBe(0);
  });

  it('keeps ticks evenly spaced, without floating-point noise', () => {
    const scale = linearScale([0.7], [0, 100]);
    const steps = scale.ticks.slice(1).map((tick, index) => Number((tick - scale.ticks[index]!).toFixed(10)));
    expect(new Set(steps).size).toBe(1);
    expect(scale.ticks.every((tick) => String(tick).length < 6)).toBe(true);
  });
});

describe('bandScale', () => {
  it('lays bands side by side inside the range with the gap shared between them', () => {
    const bands = bandScale(4, [0, 100], 0.2);
    expect(bands.width).toBe(20);
    expect(bands.start(0)).toBe(2.5);
    expect(bands.start(3) + bands.width).toBeLessThanOrEqual(100);
  });
});
