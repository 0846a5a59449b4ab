/** A linear scale from a data domain to pixels, with round tick values a reader can check at a glance. */
export interface LinearScale {
  (value: number): number;
  ticks: number[];
  domain: [number, number];
}

/** The step of about `count` ticks over `span`: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || count < 1) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Domain [min(0, low), high] widened to whole steps, so bars start at zero (a bar that starts elsewhere lies about
 * its size) and the top tick is at or above the largest value.
 */
export function linearScale(values: readonly number[], range: [number, number], tickCount = 5): LinearScale {
  const finite = values.filter(Number.isFinite);
  const low = Math.min(0, ...finite);
  const high = Math.max(0, ...finite);
  const step = niceStep(high - low || 1, tickCount);
  const domainLow = Math.floor(low / step) * step;
  const domainHigh = Math.max(Math.ceil(high / step) * step, domainLow + step);
  const ticks: number[] = [];
  for (let tick = domainLow; tick <= domainHigh + step / 2; tick += step) ticks.push(Number(tick.toPrecision(12)));
  const scale = ((value: number) => range[0] + ((value - domainLow) / (domainHigh - domainLow)) * (range[1] - range[0])) as LinearScale;
  scale.ticks = ticks;
  scale.domain = [domainLow, domainHigh];
  return scale;
}

/** Evenly spaced bands for categories (bars), with a gap between them as a share of the band. */
export function bandScale(count: number, range: [number, number], gap = 0.2): { start: (index: number) => number; width: number } {
  const band = count > 0 ? (range[1] - range[0]) / count : 0;
  return { start: (index) => range[0] + index * band + (band * gap) / 2, width: band * (1 - gap) };
}
