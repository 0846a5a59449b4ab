import type { Span } from './utterance-scope.js';

export type IdentifierKind = 'china_id' | 'card_number' | 'phone_number' | 'us_ssn';

const idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idCheckCharacters = '10x98765432';

/** GB 11643 check digit of an 18-character resident ID number. */
export function isValidChinaId(value: string): boolean {
  if (!/^\d{17}[\dx]$/i.test(value)) return false;
  let sum = 0;
  for (let index = 0; index < 17; index += 1) sum += Number(value[index]) * (idWeights[index] ?? 0);
  return idCheckCharacters[sum % 11] === value[17]?.toLowerCase();
}

export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = Number(digits[index]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

const chinaId = /(?<![\dx])\d{17}[\dx](?![\dx])/gi;
// Card numbers are read in groups: "6222 0212 3456 7890" or "6222-0212-...".
const cardNumber = /(?<![\d])\d{4}(?:[ -]?\d{2,5}){2,4}(?![\d])/g;
const chinaMobile = /(?<!\d)1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)/g;
const usPhone = /(?<!\d)(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?!\d)/g;
const usSsn = /(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)/g;

function collect(text: string, pattern: RegExp, accept: (value: string) => boolean): Span[] {
  const spans: Span[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (accept(match[0])) spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

// Agents read numbers digit by digit in words ("六二一七，九九九九…", "four one one one, …"): a run of digit words,
// separated at most by a space, comma or dash, is read back as the digits it says.
const spokenDigitValues: Record<string, string> = {
  零: '0', 〇: '0', 洞: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9',
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};
const spokenDigitRun =
  /(?:[零〇洞一幺二两三四五六七八九]|\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b)(?:[ ,，、-]{0,3}(?:[零〇洞一幺二两三四五六七八九]|\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b)){12,20}/g;
const spokenDigit = /[零〇洞一幺二两三四五六七八九]|zero|one|two|three|four|five|six|seven|eight|nine/g;

/** Runs of 13-21 digits said in words, with the digits and how they were grouped (group lengths). */
function spokenDigitRuns(text: string): (Span & { digits: string; groups: number[] })[] {
  const runs: (Span & { digits: string; groups: number[] })[] = [];
  if (!/[零〇洞一幺二两三四五六七八九]{2}|\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b/.test(text)) return runs;
  spokenDigitRun.lastIndex = 0;
  for (let match = spokenDigitRun.exec(text); match; match = spokenDigitRun.exec(text)) {
    const groups = match[0]
      .split(/[,，、-]|\s{2,}|(?<=[零〇洞一幺二两三四五六七八九])\s(?=[零〇洞一幺二两三四五六七八九])/)
      .map((group) => group.match(spokenDigit)?.length ?? 0)
      .filter((length) => length > 0);
    const digits = (match[0].match(spokenDigit) ?? []).map((word) => spokenDigitValues[word] ?? '').join('');
    runs.push({ start: match.index, end: match.index + match[0].length, digits, groups });
  }
  return runs;
}

/** A card number read in groups of four (the way cards are printed), even if a digit was misheard. */
function readAsCard(digits: string, groups: readonly number[]): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  if (isLuhnValid(digits)) return true;
  return groups.length >= 4 && groups.slice(0, 4).every((length) => length === 4);
}

/** Full identifiers spoken in the text (checksums must hold, so order numbers and amounts do not count). */
export function findIdentifiers(text: string, kind: IdentifierKind): Span[] {
  switch (kind) {
    case 'china_id':
      return [
        ...collect(text, chinaId, isValidChinaId),
        ...spokenDigitRuns(text)
          .filter((run) => run.digits.length === 18 && isValidChinaId(run.digits))
          .map(({ start, end }) => ({ start, end })),
      ];
    case 'card_number': {
      const ids = collect(text, chinaId, isValidChinaId);
      const written = collect(text, cardNumber, (value) => {
        const digits = value.replace(/[ -]/g, '');
        return digits.length >= 13 && digits.length <= 19 && isLuhnValid(digits);
      }).filter((span) => !ids.some((id) => span.start < id.end && id.start < span.end));
      const spoken = spokenDigitRuns(text).filter((run) => !isValidChinaId(run.digits) && readAsCard(run.digits, run.groups));
      return [...written, ...spoken.map(({ start, end }) => ({ start, end }))];
    }
    case 'phone_number':
      return [...collect(text, chinaMobile, () => true), ...collect(text, usPhone, () => true)];
    case 'us_ssn':
      return collect(text, usSsn, (value) => !value.startsWith('000') && !value.startsWith('666') && !value.startsWith('9'));
  }
}
