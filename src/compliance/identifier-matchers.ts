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

/** Full identifiers spoken in the text (checksums must hold, so order numbers and amounts do not count). */
export function findIdentifiers(text: string, kind: IdentifierKind): Span[] {
  switch (kind) {
    case 'china_id':
      return collect(text, chinaId, isValidChinaId);
    case 'card_number': {
      const ids = collect(text, chinaId, isValidChinaId);
      return collect(text, cardNumber, (value) => {
        const digits = value.replace(/[ -]/g, '');
        return digits.length >= 13 && digits.length <= 19 && isLuhnValid(digits);
      }).filter((span) => !ids.some((id) => span.start < id.end && id.start < span.end));
    }
    case 'phone_number':
      return [...collect(text, chinaMobile, () => true), ...collect(text, usPhone, () => true)];
    case 'us_ssn':
      return collect(text, usSsn, (value) => !value.startsWith('000') && !value.startsWith('666') && !value.startsWith('9'));
  }
}
