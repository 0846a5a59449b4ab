/**
 * Normalisation for rule matching: NFKC (full-width digits and punctuation), lower case, control characters
 * to spaces, thousands separators dropped, currency folded to `元` (¥ / RMB / 人民币 / 块), Chinese numerals in
 * amounts and percentages turned into digits (百分之五 -> 5%, 三万元 -> 30000元, 万分之三 -> 0.03%, 3万 -> 30000).
 * Every output character keeps the span of original text it came from, so findings point into what was said.
 */
export interface NormalizedText {
  text: string;
  /** Original offset of the normalised offset `offset` (a start position; `text.length` maps to the end). */
  toOriginal(offset: number): number;
  /** Original [start, end) covering the normalised [start, end). */
  toOriginalSpan(start: number, end: number): { start: number; end: number };
}

interface MappedText {
  text: string;
  /** null: the identity map (output offset i came from original offset i), the common case. */
  starts: Int32Array | null;
  ends: Int32Array | null;
}

const controlCharacter = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/;
const controlCharacters = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/g;
const apostrophe = /(?<=[a-z])\u2019(?=[a-z])/g;
const needsCharacterPass = /[^\u0020-\u007e\n\t]|[A-Z]/;

/**
 * One pass over code points. Most characters (ASCII, CJK ideographs) are stable under NFKC and need only
 * case folding, so they skip the per-character normalize call that would dominate on long inputs.
 */
function characterPass(original: string): MappedText {
  const length = original.length;
  if (!needsCharacterPass.test(original)) return identity(original);
  const folded = original.normalize('NFKC');
  const isNormal = folded === original;
  if (folded.length === length) {
    // Fast path: NFKC and lower-casing kept every character in place, so offsets are unchanged.
    const lowered = folded.toLowerCase();
    if (lowered.length === length) return identity(lowered.replace(controlCharacters, ' ').replace(/\r/g, ' ').replace(apostrophe, "'"));
  }
  const pieces: string[] = [];
  let starts = new Int32Array(length + 16);
  let ends = new Int32Array(length + 16);
  let size = 0;
  let index = 0;
  while (index < length) {
    const code = original.charCodeAt(index);
    let width = 1;
    let character: string;
    if (code < 0x80) {
      if (code === 0x09 || code === 0x0d || (code < 0x20 && code !== 0x0a) || code === 0x7f) character = ' ';
      else character = code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : (original[index] ?? '');
    } else if (code >= 0x4e00 && code <= 0x9fff) {
      character = original[index] ?? '';
    } else {
      const codePoint = original.codePointAt(index) ?? 0;
      width = codePoint > 0xffff ? 2 : 1;
      character = original.slice(index, index + width);
      if (controlCharacter.test(character)) character = ' ';
      else {
        if (!isNormal) character = character.normalize('NFKC');
        character = character.toLowerCase();
        // A right single quote between letters is an apostrophe (can’t); elsewhere it stays a quotation mark.
        const previous = pieces[pieces.length - 1] ?? '';
        const next = (original[index + width] ?? '').normalize('NFKC');
        if (character === '\u2019' && /[a-z]$/i.test(previous) && /^[a-z]/i.test(next)) {
          character = "'";
        }
      }
    }
    if (size + character.length > starts.length) {
      const grownStarts = new Int32Array(starts.length * 2 + character.length);
      grownStarts.set(starts);
      starts = grownStarts;
      const grownEnds = new Int32Array(ends.length * 2 + character.length);
      grownEnds.set(ends);
      ends = grownEnds;
    }
    for (let offset = 0; offset < character.length; offset += 1) {
      starts[size] = index;
      ends[size] = index + width;
      size += 1;
    }
    pieces.push(character);
    index += width;
  }
  return { text: pieces.join(''), starts: starts.subarray(0, size), ends: ends.subarray(0, size) };
}

function identity(text: string): MappedText {
  return { text, starts: null, ends: null };
}

const startOf = (mapped: MappedText, index: number): number => (mapped.starts ? (mapped.starts[index] ?? 0) : index);
const endOf = (mapped: MappedText, index: number): number => (mapped.ends ? (mapped.ends[index] ?? 0) : index + 1);

/** Replaces every match of `pattern` (global) by `replace(match)`; replaced characters map to the whole matched span. */
function replaceMapped(input: MappedText, pattern: RegExp, replace: (match: RegExpExecArray) => string | undefined): MappedText {
  pattern.lastIndex = 0;
  let match = pattern.exec(input.text);
  if (!match) return input;
  const pieces: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let cursor = 0;
  const copy = (from: number, to: number): void => {
    pieces.push(input.text.slice(from, to));
    for (let index = from; index < to; index += 1) {
      starts.push(startOf(input, index));
      ends.push(endOf(input, index));
    }
  };
  while (match) {
    const from = match.index;
    const to = from + match[0].length;
    const replacement = match[0].length === 0 ? undefined : replace(match);
    if (replacement !== undefined && replacement !== match[0]) {
      copy(cursor, from);
      const spanStart = startOf(input, from);
      const spanEnd = endOf(input, to - 1);
      pieces.push(replacement);
      for (let index = 0; index < replacement.length; index += 1) {
        starts.push(spanStart);
        ends.push(spanEnd);
      }
      cursor = to;
    }
    if (match[0].length === 0) pattern.lastIndex += 1;
    match = pattern.exec(input.text);
  }
  copy(cursor, input.text.length);
  return { text: pieces.join(''), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

const digitValues: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const unitValues: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Parses 三万五千 / 十二 / 三点五 / 两万三 (colloquial: the last digit takes the next lower unit). */
export function parseChineseNumber(numeral: string): number | undefined {
  const [integerPart = '', fractionPart] = numeral.split('点');
  if (numeral.split('点').length > 2) return undefined;
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  let lastUnit = 1;
  for (const character of integerPart) {
    const value = digitValues[character];
    if (value !== undefined) {
      digit = value;
      continue;
    }
    const unit = unitValues[character];
    if (unit !== undefined) {
      section += (digit ?? (unit === 10 ? 1 : 0)) * unit;
      if (digit === undefined && unit !== 10) return undefined;
      digit = undefined;
      lastUnit = unit;
      continue;
    }
    if (character === '万' || character === '亿') {
      const big = character === '万' ? 10_000 : 100_000_000;
      if (section === 0 && digit === undefined) return undefined;
      total = (total + section + (digit ?? 0)) * big;
      section = 0;
      digit = undefined;
      lastUnit = big;
      continue;
    }
    if (/\d/.test(character)) {
      digit = (digit ?? 0) * 10 + Number(character);
      continue;
    }
    return undefined;
  }
  if (digit !== undefined) {
    // 三万五 = 35000, 一千二 = 1200; 一百零五 keeps its digit as is.
    section += lastUnit > 1 && !integerPart.includes('零') && integerPart.length >= 3 ? digit * (lastUnit / 10) : digit;
  }
  let value = total + section;
  if (fractionPart !== undefined) {
    let fraction = '';
    for (const character of fractionPart) {
      const fractionDigit = digitValues[character] ?? (/\d/.test(character) ? Number(character) : undefined);
      if (fractionDigit === undefined) return undefined;
      fraction += String(fractionDigit);
    }
    if (fraction === '') return undefined;
    value += Number(`0.${fraction}`);
  }
  return value;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toFixed(6)));
}

const chineseNumeral = '[零〇一二两三四五六七八九十百千万亿点\\d.]';
const percentPhrase = new RegExp(`(百|千|万)分之(${chineseNumeral}{1,12})`, 'g');
const moneyUnit = '(?:元钱|块钱|元|块|圆|美元|美金|英镑|个点|个百分点)';
// Not after 几/数/好 ("几十块" is "some tens", not an amount).
// An approximate amount ("八千多", "两百来块") is an amount too: the 多/余/来 is kept, only the numeral is rewritten.
const chineseAmount = new RegExp(`(?<![几数好多上])([零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿点]{0,11})(?=(${moneyUnit}|多|余|来)?)`, 'g');
const arabicWithUnit = /(\d+(?:\.\d+)?)(万|亿)/g;
const thousandsSeparator = /(\d{1,3})((?:,\d{3})+)(?!\d)/g;
const currencyPrefix = /(?:¥|rmb|人民币|cny)\s?(\d+(?:\.\d+)?)/g;
const currencySuffix = /(\d+(?:\.\d+)?)\s?(?:元钱|块钱|块|圆|rmb|cny|yuan)(?![a-z])/g;

function convertChineseAmount(match: RegExpExecArray): string | undefined {
  const numeral = match[1] ?? '';
  const unit = match[2];
  // 一点点, 十分, 千万别: only numerals that are clearly amounts are rewritten.
  const approximate = unit === '多' || unit === '余' || unit === '来';
  const isAmount =
    (unit !== undefined && !approximate) || /[万亿]/.test(numeral.slice(1)) || (/[百千]/.test(numeral) && (numeral.length >= 3 || approximate));
  if (!isAmount || numeral.endsWith('点')) return undefined;
  const value = parseChineseNumber(numeral);
  return value === undefined ? undefined : formatNumber(value);
}

/** Normalises `text` for rule matching and keeps a map back to the original offsets. Linear in the text length. */
export function normalizeText(original: string): NormalizedText {
  let mapped = characterPass(original);
  if (/\d,\d/.test(mapped.text)) mapped = replaceMapped(mapped, thousandsSeparator, (match) => `${match[1] ?? ''}${(match[2] ?? '').replace(/,/g, '')}`);
  if (/[一二两三四五六七八九十〇零]/.test(mapped.text)) {
    mapped = replaceMapped(mapped, percentPhrase, (match) => {
      const value = parseChineseNumber(match[2] ?? '') ?? Number(match[2]);
      if (!Number.isFinite(value)) return undefined;
      const divisor = match[1] === '百' ? 1 : match[1] === '千' ? 10 : 100;
      return `${formatNumber(value / divisor)}%`;
    });
    mapped = replaceMapped(mapped, chineseAmount, convertChineseAmount);
  } else if (/分之/.test(mapped.text)) {
    mapped = replaceMapped(mapped, percentPhrase, (match) => {
      const value = Number(match[2]);
      if (!Number.isFinite(value)) return undefined;
      const divisor = match[1] === '百' ? 1 : match[1] === '千' ? 10 : 100;
      return `${formatNumber(value / divisor)}%`;
    });
  }
  if (/\d[万亿]/.test(mapped.text)) {
    mapped = replaceMapped(mapped, arabicWithUnit, (match) => formatNumber(Number(match[1]) * (match[2] === '万' ? 10_000 : 100_000_000)));
  }
  if (/[¥]|rmb|人民币|cny/.test(mapped.text)) mapped = replaceMapped(mapped, currencyPrefix, (match) => `${match[1] ?? ''}元`);
  if (/\d\s?(?:元钱|块|圆|rmb|cny|yuan)/.test(mapped.text)) mapped = replaceMapped(mapped, currencySuffix, (match) => `${match[1] ?? ''}元`);

  const { text } = mapped;
  const originalLength = original.length;
  const toOriginal = (offset: number): number => {
    if (offset <= 0) return 0;
    if (offset >= text.length) return originalLength;
    return startOf(mapped, offset);
  };
  return {
    text,
    toOriginal,
    toOriginalSpan(start: number, end: number) {
      const from = toOriginal(start);
      const to = end <= start ? from : end >= text.length ? originalLength : endOf(mapped, end - 1);
      return { start: from, end: Math.max(from, to) };
    },
  };
}

/** The normalised text alone: what the eval harness compares when it matches expected wording. */
export function normalizeForMatching(text: string): string {
  return normalizeText(text).text;
}
