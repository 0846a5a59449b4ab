import { words } from '../text/segment-text.js';
import type { InsightSettings } from './insight-settings.js';

const cjk = /[\u3400-\u9fff\uf900-\ufaff]/u;
// Digits are left out altogether: a term is exported and shown, and a number may be part of a card or phone.
const digit = /\p{N}/u;

const spokenDigitPatterns = new Map<string, RegExp>();

/** Two spoken digits in a row ("一二", "幺三"): part of a number read out, never a topic. */
function spokenDigitRun(digits: string): RegExp {
  let pattern = spokenDigitPatterns.get(digits);
  if (!pattern) {
    const characters = `[${[...digits].map((character) => character.replace(/[\]\\^-]/gu, '\\$&')).join('')}]`;
    pattern = new RegExp(`${characters}{2}`, 'u');
    spokenDigitPatterns.set(digits, pattern);
  }
  return pattern;
}

/** The distinct content words of what the customer said, most frequent first (at most `maximumPerCall`). */
export function extractTerms(customerTexts: readonly string[], settings: InsightSettings['terms'], stopwords: ReadonlySet<string>): string[] {
  const counts = new Map<string, number>();
  const spoken = spokenDigitRun(settings.spokenDigits);
  for (const text of customerTexts) {
    for (const word of words(text)) {
      if (digit.test(word) || spoken.test(word) || stopwords.has(word)) continue;
      const minimum = cjk.test(word) ? settings.minimumCjkLength : settings.minimumLatinLength;
      if ([...word].length < minimum) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : 1))
    .slice(0, settings.maximumPerCall)
    .map(([word]) => word);
}

/** Stopwords of both languages in one set (calls mix languages). */
export function stopwordSet(settings: InsightSettings['terms']): Set<string> {
  return new Set([...settings.stopwords.zh, ...settings.stopwords.en].map((word) => word.normalize('NFKC').toLowerCase()));
}
