import { describe, expect, it } from 'vitest';
import { repairSoundAlikes } from '../../src/understanding/repair-sound-alikes.js';

// Made-up product names: what a catalogue would hand over (names, aliases, names without the brand).
const names = ['青松稳盈180天', '稳盈180天', '稳盈', '恒远权益', '恒远', '薪易贷', '鑫享年金', '金卡'];

describe('repairSoundAlikes', () => {
  it('reads a product name written with sound-alike characters as the name', () => {
    expect(repairSoundAlikes('你们那个横远，横远两年的那个能买吗？', names)).toBe('你们那个恒远，恒远两年的那个能买吗？');
    expect(repairSoundAlikes('之前借了那个新易贷五万', names)).toBe('之前借了那个薪易贷五万');
    expect(repairSoundAlikes('我买的心想年金能退吗', names)).toBe('我买的鑫享年金能退吗');
  });

  it("repairs the bank's terms a recogniser misses (sound-alikes.yaml)", () => {
    expect(repairSoundAlikes('我寻思是不是那个年废啊？', names)).toBe('我寻思是不是那个年费啊？');
  });

  it('leaves an everyday word that sounds like a name unless its sentence is about a product', () => {
    expect(repairSoundAlikes('我心想这不对啊，这次稳赢了', names)).toBe('我心想这不对啊，这次稳赢了');
    expect(repairSoundAlikes('稳赢那个理财能随时取吗', names)).toBe('稳盈那个理财能随时取吗');
  });

  it('never rewrites a name said right, nor a word with a character that does not sound alike', () => {
    expect(repairSoundAlikes('恒远权益和稳盈180天哪个好', names)).toBe('恒远权益和稳盈180天哪个好');
    expect(repairSoundAlikes('横向比较一下', names)).toBe('横向比较一下');
  });

  it('leaves real words that merely sound like a term: a name never starts inside a word, a short one never replaces a word', () => {
    // 证信 inside 身份证信息 sounds like 征信; 有逾期 sounds like 犹豫期 (you yu qi).
    expect(repairSoundAlikes('麻烦再核对一下身份证信息', ['征信'])).toBe('麻烦再核对一下身份证信息');
    expect(repairSoundAlikes('我上个月有逾期吗', ['犹豫期'])).toBe('我上个月有逾期吗');
    expect(repairSoundAlikes('How much is the fee?', names)).toBe('How much is the fee?');
  });
});
