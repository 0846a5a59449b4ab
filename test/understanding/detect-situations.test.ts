import { describe, expect, it } from 'vitest';
import { profileSituations } from '../../src/understanding/detect-situations.js';

describe('profileSituations', () => {
  it('finds the suitability situation when a customer wants a product above their assessment', () => {
    expect(profileSituations('我也想全买进去，你看行不行？', 'zh', 'C3', 'R4').map((situation) => situation.id)).toEqual(['suitability']);
    expect(profileSituations("I'd like to invest ten thousand in it", 'en', 'C2', 'R3').map((situation) => situation.id)).toEqual(['suitability']);
  });

  it('finds nothing when the product is within the assessment, a level is unknown, or nothing is wanted', () => {
    expect(profileSituations('我想买这个', 'zh', 'C4', 'R4')).toEqual([]);
    expect(profileSituations('我想买这个', 'zh', undefined, 'R4')).toEqual([]);
    expect(profileSituations('我想买这个', 'zh', 'C2', undefined)).toEqual([]);
    expect(profileSituations('这个赎回要多久到账？', 'zh', 'C1', 'R4')).toEqual([]);
  });
});
