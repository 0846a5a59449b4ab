/**
 * Numbers said in words written as digits, the way the knowledge base writes them: "三千五" -> 3500,
 * "百分之四点五" -> 4.5%, "十二期" -> 12期, "twelve hundred" -> 1200, "point six percent" -> 0.6%.
 * A search for "3500" then meets the fee table's "3,500" and a passage's "4.5%".
 */
const digitValues: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const smallUnits: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const bigUnits: Record<string, number> = { 万: 10_000, 亿: 100_000_000 };

const numeral = '[零〇一二两三四五六七八九十百千万亿]';
// A run worth converting: has a unit or a decimal point, or is a single digit before a measure word.
const chineseRun = new RegExp(`(百分之)?(${numeral}+(?:点[零〇一二三四五六七八九]+)?)`, 'gu');
const measureAfter = /^[年期个天笔元块万千号次月周岁倍]/u;

/** The value of a Chinese integer such as 三千五, 两万一, 十二, 一千二百三十; undefined when it does not parse. */
export function chineseInteger(text: string): number | undefined {
  if (!text || /^[十百千万亿]/u.test(text) && !text.startsWith('十')) return undefined;
  // Plain digits read one by one ("三三零七"): a number written out, not counted.
  if ([...text].every((character) => character in digitValues)) {
    return text.length === 1 ? digitValues[text] : Number([...text].map((character) => digitValues[character]).join(''));
  }
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  let lastUnit = 1;
  for (const character of text) {
    if (character in digitValues) {
      if (digit !== undefined && digit !== 0) return undefined;
      digit = digitValues[character] as number;
    } else if (character in smallUnits) {
      const unit = smallUnits[character] as number;
      section += (digit ?? 1) * unit;
      digit = undefined;
      lastUnit = unit;
    } else if (character in bigUnits) {
      const unit = bigUnits[character] as number;
      total += (section + (digit ?? 0)) * unit;
      section = 0;
      digit = undefined;
      lastUnit = unit;
    }
  }
  // "三千五": a trailing digit after a unit is the next place down (五百), as speech abbreviates it.
  if (digit !== undefined) section += lastUnit >= 10 && digit !== 0 ? digit * (lastUnit / 10) : digit;
  return total + section;
}

function chineseDecimal(integerPart: string, decimals: string): string | undefined {
  const whole = integerPart ? chineseInteger(integerPart) : 0;
  if (whole === undefined) return undefined;
  const fraction = [...decimals].map((character) => digitValues[character]).join('');
  return `${whole}.${fraction}`;
}

function normalizeChinese(text: string): string {
  return text.replace(chineseRun, (match, percent: string | undefined, body: string, offset: number) => {
    const after = text.slice(offset + match.length);
    const [integerPart = '', decimals] = body.split('点');
    const hasUnit = /[十百千万亿]/u.test(integerPart);
    const convertible = percent !== undefined || decimals !== undefined || (hasUnit && integerPart.length >= 2) || (integerPart.length >= 1 && measureAfter.test(after)) || (integerPart.length >= 3 && !hasUnit);
    if (!convertible) return match;
    // Two neighbouring digits ("三四回") are a rough count, not a number: left as said.
    if (integerPart.length === 2 && !hasUnit && decimals === undefined) {
      const [first, second] = [...integerPart].map((character) => digitValues[character] ?? -1);
      if (second === (first as number) + 1) return match;
    }
    const value = decimals !== undefined ? chineseDecimal(integerPart, decimals) : chineseInteger(integerPart)?.toString();
    if (value === undefined) return match;
    return percent !== undefined ? `${value}%` : value;
  });
}

const englishSmall: Record<string, number> = {
  zero: 0, nought: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13,
  fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60,
  seventy: 70, eighty: 80, ninety: 90,
};
const englishScales: Record<string, number> = { hundred: 100, thousand: 1000, grand: 1000, million: 1_000_000, k: 1000 };
const englishWord = Object.keys(englishSmall).join('|');
const englishRun = new RegExp(`\\b((?:(?:${englishWord}|hundred|thousand|grand|million|and|a)[\\s-]+)*(?:${englishWord}|hundred|thousand|grand|million))\\b(\\s+point\\s+(?:(?:${englishWord})\\s*)+)?(\\s*percent)?`, 'giu');
const digitsThenScale = /\b(\d+(?:\.\d+)?)\s*(hundred|thousand|grand|k|million)\b/giu;

function englishValue(words: string[]): number | undefined {
  let total = 0;
  let current = 0;
  let seen = false;
  for (const word of words) {
    if (word === 'and') continue;
    if (word === 'a') {
      current = current === 0 ? 1 : current;
      continue;
    }
    if (word in englishSmall) {
      current += englishSmall[word] as number;
      seen = true;
    } else if (word in englishScales) {
      const scale = englishScales[word] as number;
      // "twelve hundred": hundreds multiply what came before; thousand and up close a group.
      if (scale === 100) current = (current || 1) * 100;
      else {
        total += (current || 1) * scale;
        current = 0;
      }
      seen = true;
    } else return undefined;
  }
  return seen ? total + current : undefined;
}

// "two and a half" (percent, grand, years): the half is a decimal of the number before it.
const andAHalf = new RegExp(`\\b(${englishWord}|\\d+)[\\s-]+and[\\s-]+a[\\s-]+half\\b`, 'giu');
const digitsThenPercent = /\b(\d+(?:\.\d+)?)\s*per\s?cent\b/giu;

function normalizeEnglish(text: string): string {
  const halves = text.replace(andAHalf, (_match, whole: string) => `${/\d/u.test(whole) ? Number(whole) : (englishSmall[whole.toLowerCase()] ?? 0)}.5`);
  const withScales = halves.replace(digitsThenScale, (_match, digits: string, scale: string) => String(Math.round(Number(digits) * (englishScales[scale.toLowerCase()] ?? 1))));
  const converted = withScales.replace(englishRun, (match: string, body: string, point: string | undefined, percent: string | undefined) => {
    // "a six-digit code": an article before a number, not "one"; only "a hundred", "a thousand" count it.
    const article = /^a[\s-]+/iu.exec(body);
    if (article && !/^a[\s-]+(?:hundred|thousand|grand|million)\b/iu.test(body)) {
      const rest = match.slice(article[0].length);
      return article[0] + rest.replace(englishRun, (inner: string) => normalizeEnglish(inner));
    }
    const words = body.toLowerCase().split(/[\s-]+/u).filter(Boolean);
    // "one" alone is usually a pronoun ("the one-year one"), "a" alone an article: only runs that count something.
    if (words.length === 1 && !point && !percent && (words[0] === 'one' || words[0] === 'a' || words[0] === 'and')) return match;
    if (words[0] === 'and' || words[0] === 'a' && words.length === 1) return match;
    const value = englishValue(words);
    if (value === undefined) return match;
    let written = String(value);
    if (point) {
      const decimals = point.trim().split(/\s+/u).slice(1).map((word) => englishSmall[word.toLowerCase()]);
      if (decimals.some((digit) => digit === undefined || digit > 9)) return match;
      written = `${value}.${decimals.join('')}`;
    }
    return percent ? `${written}%` : written;
  });
  return converted.replace(digitsThenPercent, '$1%');
}

/** "point six percent" with no whole part: the caller's text, with the number written. */
function leadingPoint(text: string): string {
  return text.replace(new RegExp(`(?<!\\b(?:${englishWord})\\s+)\\bpoint\\s+((?:(?:${englishWord})\\s*)+)(percent)?`, 'giu'), (match, digits: string, percent: string | undefined) => {
    const values = digits.trim().split(/\s+/u).map((word) => englishSmall[word.toLowerCase()]);
    if (values.some((digit) => digit === undefined || digit > 9)) return match;
    return `0.${values.join('')}${percent ? '%' : ' '}`.trimEnd() + (percent ? '' : ' ');
  });
}

export function normalizeSpokenNumbers(text: string): string {
  return normalizeEnglish(leadingPoint(normalizeChinese(text))).replace(/\s+$/u, text.endsWith(' ') ? ' ' : '');
}
