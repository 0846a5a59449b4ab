import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { isLuhnValid, isValidChinaId } from '../compliance/identifier-matchers.js';

export type PersonalDataKind = 'card_number' | 'china_id' | 'phone_number' | 'email' | 'us_ssn' | 'account_number';

/** Where a value was found in the original text (UTF-16 offsets, end exclusive). */
export interface PersonalDataSpan {
  start: number;
  end: number;
  kind: PersonalDataKind;
}

export interface MaskedText {
  text: string;
  spans: PersonalDataSpan[];
}

const settingsSchema = z.object({
  contextWindow: z.number().int().positive(),
  longDigitRun: z.number().int().min(9),
  accountMinimumDigits: z.number().int().min(6),
  contextWords: z.object({
    ssn: z.array(z.string().min(1)),
    account: z.array(z.string().min(1)),
    id: z.array(z.string().min(1)),
    phone: z.array(z.string().min(1)),
  }),
  referenceWords: z.array(z.string().min(1)),
  serviceNumberPatterns: z.array(z.string().min(1)),
});

type ContextKind = keyof z.infer<typeof settingsSchema>['contextWords'] | 'reference';

/** The words and limits staff maintain (personal-data.yaml, next to this file); read once, at first import. */
function loadSettings() {
  const file = new URL('./personal-data.yaml', import.meta.url);
  const settings = settingsSchema.parse(parse(readFileSync(file, 'utf8')));
  const words: { word: string; kind: ContextKind }[] = [
    ...Object.entries(settings.contextWords).flatMap(([kind, list]) => list.map((word) => ({ word: word.toLowerCase(), kind: kind as ContextKind }))),
    ...settings.referenceWords.map((word) => ({ word: word.toLowerCase(), kind: 'reference' as const })),
  ];
  return { ...settings, words, servicePatterns: settings.serviceNumberPatterns.map((source) => new RegExp(source, 'u')) };
}

const settings = loadSettings();

/**
 * The same text with full-width forms (ＡＳＣＩＩ, digits, ＠, －), other dashes and other spaces folded to ASCII,
 * one UTF-16 unit for one, so offsets found here are offsets in the original.
 */
const foldable = /[\uff01-\uff5e\u3000\u00a0\u2009\u202f\u2010-\u2015]/u;

function detectionView(text: string): string {
  if (!foldable.test(text)) return text;
  let view = '';
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0xff01 && code <= 0xff5e) view += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000 || code === 0x00a0 || code === 0x2009 || code === 0x202f) view += ' ';
    else if (code >= 0x2010 && code <= 0x2015) view += '-';
    else view += text[index];
  }
  return view;
}

const anyCandidate = /[\d\uff10-\uff19@\uff20]/u;
const emailPattern =
  /(?<![\w.%+-])([A-Za-z0-9][\w.%+-]*)@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,})(?![A-Za-z0-9-])/gu;
const isDigit = (character: string | undefined): boolean => character !== undefined && character >= '0' && character <= '9';
const isAlphanumeric = (character: string | undefined): boolean =>
  character !== undefined && ((character >= '0' && character <= '9') || (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') || character === '_');
const separators = new Set([' ', '-', '.', '(', ')']);

interface Group {
  start: number;
  end: number;
  /** Digits, with a trailing X for an ID's check character. */
  value: string;
  /** The separator text before this group ('' for the first). */
  before: string;
}

/** Digit groups joined by at most two separator characters, not glued to letters (codes like R2, FX2026-001). */
function digitRuns(view: string, blocked: Uint8Array): { groups: Group[]; plus: boolean; start: number }[] {
  const runs: { groups: Group[]; plus: boolean; start: number }[] = [];
  const free = (index: number): boolean => index >= 0 && index < view.length && blocked[index] === 0;
  let index = 0;
  while (index < view.length) {
    if (!isDigit(view[index]) || !free(index)) {
      index += 1;
      continue;
    }
    let start = index;
    let runStart = index;
    let glued = isAlphanumeric(view[index - 1]) || blocked[index - 1] === 1;
    // "FX-2026" and "No.123" are codes; "SSN 123-45-6789" is not: a space does not glue.
    if (!glued && (view[index - 1] === '-' || view[index - 1] === '.') && isAlphanumeric(view[index - 2])) glued = true;
    if (view[index - 1] === '(') runStart = index - 1;
    let plus = false;
    if (view[index - 1] === '+' && !isAlphanumeric(view[index - 2])) {
      plus = true;
      runStart = index - 1;
    }
    const groups: Group[] = [];
    let before = '';
    for (;;) {
      let end = start;
      while (isDigit(view[end]) && free(end)) end += 1;
      let value = view.slice(start, end);
      if ((view[end] === 'X' || view[end] === 'x') && free(end) && !isAlphanumeric(view[end + 1])) {
        value += 'X';
        end += 1;
      }
      groups.push({ start, end, value, before });
      index = end;
      if (value.endsWith('X')) break;
      let gap = end;
      while (gap < view.length && gap - end < 2 && separators.has(view[gap] ?? '') && free(gap)) gap += 1;
      if (gap > end && isDigit(view[gap]) && free(gap)) {
        before = view.slice(end, gap);
        start = gap;
        continue;
      }
      break;
    }
    if (isAlphanumeric(view[index]) || (index < view.length && blocked[index] === 1)) glued = true;
    if (!glued) runs.push({ groups, plus, start: runStart });
  }
  return runs;
}

/** The kind of the context word nearest before `position`, within the window. */
function nearestContext(lowerView: string, position: number): ContextKind | undefined {
  const window = lowerView.slice(Math.max(0, position - settings.contextWindow), position);
  let best: { end: number; kind: ContextKind } | undefined;
  for (const { word, kind } of settings.words) {
    const found = window.lastIndexOf(word);
    if (found === -1) continue;
    const end = found + word.length;
    if (!best || end > best.end) best = { end, kind };
  }
  return best?.kind;
}

/** The longest number considered: 19-digit cards, 0086 + an 11-digit mobile, long account numbers. */
const maximumDigits = 32;
const chinaMobile = /^1[3-9]\d{9}$/u;
const usNational = /^[2-9]\d{2}[2-9]\d{6}$/u;
const isService = (national: string): boolean => settings.servicePatterns.some((pattern) => pattern.test(national));

/** Digits before the national number (country code) when the groups are a phone number, else undefined. */
function phonePrefix(digits: string, lengths: readonly number[], plus: boolean, context: ContextKind | undefined): number | undefined {
  // Mainland mobiles are always personal; the service ranges apply to the other plans (18665182089 is not 1-866).
  const accept = (prefix: number): number | undefined => (!chinaMobile.test(digits.slice(prefix)) && isService(digits.slice(prefix)) ? undefined : prefix);
  let prefix = 0;
  let international = plus;
  if (!plus && digits.startsWith('00')) {
    prefix = 2;
    international = true;
  }
  if (international) {
    const rest = digits.slice(prefix);
    if (rest.startsWith('86') && (chinaMobile.test(rest.slice(2)) || /^[1-9]\d{8,10}$/u.test(rest.slice(2)))) return accept(prefix + 2);
    if (rest.startsWith('44') && /^[1-9]\d{9}$/u.test(rest.slice(2))) return accept(prefix + 2);
    if (rest.startsWith('1') && usNational.test(rest.slice(1))) return accept(prefix + 1);
    return undefined;
  }
  // Written 1-800-555-0199 it is a US number, though 180... is also a mainland mobile prefix.
  if (/^1[2-9]\d{2}[2-9]\d{6}$/u.test(digits) && lengths.join(',') === '1,3,3,4') return accept(1);
  if (digits.startsWith('86') && lengths[0] === 2 && chinaMobile.test(digits.slice(2))) return accept(2);
  if (chinaMobile.test(digits)) return accept(0);
  // Landlines: 0 + area code + local number (mainland 010-12345678, UK 020 7946 0958).
  if (/^0[1-9]\d{8,10}$/u.test(digits)) return accept(0);
  const shaped = lengths.length === 3 && lengths[0] === 3 && lengths[1] === 3 && lengths[2] === 4;
  if (usNational.test(digits) && (shaped || (lengths.length === 1 && context === 'phone'))) return accept(0);
  return undefined;
}

interface Classified {
  kind: PersonalDataKind;
  /** Digits shown at the start and at the end; the rest become '*'. */
  keepStart: number;
  keepEnd: number;
}

function classify(groups: readonly Group[], plus: boolean, contextAt: () => ContextKind | undefined): Classified | undefined {
  const lengths = groups.map((group) => group.value.length);
  const count = lengths.reduce((sum, length) => sum + length, 0);
  // Most digit runs are amounts, dates and times: too short to be anything, decided before any context lookup.
  if (count < 9) return undefined;
  const digits = groups.map((group) => group.value).join('');
  const ssn: Classified = { kind: 'us_ssn', keepStart: 0, keepEnd: 4 };
  const ssnShaped = lengths.join(',') === '3,2,4' && groups.slice(1).every((group) => /^[ -]$/u.test(group.before)) && isPlausibleSsn(digits);
  // Numbers are written in blocks (6222 0212 3456 7894 5, +86 10 1234 5678, 1-800-555-0199) or digit by digit
  // (speech recognition); "0 1 2 ... 10" or "88 89 90 91" is a list of numbers. SSNs have their own 3-2-4 shape.
  const blocks = lengths.every((length, index) => length >= 3 || index === 0 || index === lengths.length - 1) || lengths.every((length) => length === 1);
  if (!blocks) return ssnShaped ? ssn : undefined;
  const context = contextAt();
  const id: Classified = { kind: 'china_id', keepStart: 4, keepEnd: 4 };
  if (digits.endsWith('X')) return count === 18 && (isValidChinaId(digits) || context === 'id') ? id : undefined;
  if (count === 18 && isValidChinaId(digits)) return id;
  const prefix = phonePrefix(digits, lengths, plus, context);
  if (prefix !== undefined) return { kind: 'phone_number', keepStart: prefix + (chinaMobile.test(digits.slice(prefix)) ? 3 : 0), keepEnd: 4 };
  if (context === 'reference' || isService(digits)) return undefined;
  if (count >= 13 && count <= 19 && isLuhnValid(digits)) return { kind: 'card_number', keepStart: 4, keepEnd: 4 };
  if (ssnShaped || (count === 9 && context === 'ssn' && isPlausibleSsn(digits))) return ssn;
  if ((count === 15 || count === 18) && context === 'id') return id;
  if ((count >= settings.accountMinimumDigits && context === 'account') || count >= settings.longDigitRun) {
    return { kind: 'account_number', keepStart: count >= 12 ? 4 : 0, keepEnd: 4 };
  }
  return undefined;
}

function isPlausibleSsn(digits: string): boolean {
  const area = digits.slice(0, 3);
  return area !== '000' && area !== '666' && !area.startsWith('9') && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000';
}

/** Replaces the middle digits of a span with '*', keeping separators, so the shape stays readable (138****5678). */
function maskDigits(original: string, view: string, start: number, end: number, keepStart: number, keepEnd: number): string {
  let total = 0;
  for (let index = start; index < end; index += 1) if (isDigit(view[index]) || view[index] === 'X' || view[index] === 'x') total += 1;
  let position = 0;
  let masked = '';
  for (let index = start; index < end; index += 1) {
    const character = view[index];
    if (isDigit(character) || character === 'X' || character === 'x') {
      masked += position < keepStart || position >= total - keepEnd ? original[index] : '*';
      position += 1;
    } else {
      masked += original[index];
    }
  }
  return masked;
}

/**
 * Finds card numbers (Luhn), resident IDs (checksum), phone numbers, e-mail addresses, SSNs and account numbers,
 * in ASCII or full-width digits, spaced or dashed, and masks them keeping the ends. Pure and synchronous: it runs
 * on every log line and every model request.
 */
export function maskPersonalData(text: string): MaskedText {
  if (!anyCandidate.test(text)) return { text, spans: [] };
  const view = detectionView(text);
  let lowerView: string | undefined;
  const blocked = new Uint8Array(view.length);
  const replacements: (PersonalDataSpan & { replacement: string })[] = [];

  emailPattern.lastIndex = 0;
  for (let match = emailPattern.exec(view); match; match = emailPattern.exec(view)) {
    const start = match.index;
    const end = start + match[0].length;
    const local = match[1] ?? '';
    blocked.fill(1, start, end);
    replacements.push({ start, end, kind: 'email', replacement: `${text[start] ?? ''}***${text.slice(start + local.length, end)}` });
  }

  for (const run of digitRuns(view, blocked)) {
    let first = 0;
    while (first < run.groups.length) {
      let matched = false;
      // Nothing we mask is longer than maximumDigits, so spans stop there: a long table of spaced numbers costs
      // linear time, not cubic (this runs on every log line).
      // A group shorter than 3 digits can only end a span (see classify), unless every digit is spelled alone.
      let widest = first;
      let singles = run.groups[first]?.value.length === 1;
      for (let total = run.groups[first]?.value.length ?? 0; widest + 1 < run.groups.length; ) {
        const next = run.groups[widest + 1]?.value.length ?? 0;
        if (total + next > maximumDigits) break;
        total += next;
        widest += 1;
        singles &&= next === 1;
        const ssnMiddle = next === 2 && widest - first === 1 && run.groups[first]?.value.length === 3;
        if (next < 3 && !singles && !ssnMiddle) break;
      }
      for (let last = widest; last >= first; last -= 1) {
        const groups = run.groups.slice(first, last + 1);
        const plus = first === 0 && run.plus;
        const spanStart = first === 0 ? run.start : (groups[0]?.start ?? 0);
        const found = classify(groups, plus, () => nearestContext((lowerView ??= view.toLowerCase()), spanStart));
        if (!found) continue;
        const end = groups[groups.length - 1]?.end ?? spanStart;
        replacements.push({ start: spanStart, end, kind: found.kind, replacement: maskDigits(text, view, spanStart, end, found.keepStart, found.keepEnd) });
        first = last + 1;
        matched = true;
        break;
      }
      if (!matched) first += 1;
    }
  }

  if (replacements.length === 0) return { text, spans: [] };
  replacements.sort((left, right) => left.start - right.start);
  let masked = '';
  let cursor = 0;
  for (const item of replacements) {
    masked += text.slice(cursor, item.start) + item.replacement;
    cursor = item.end;
  }
  masked += text.slice(cursor);
  return { text: masked, spans: replacements.map(({ start, end, kind }) => ({ start, end, kind })) };
}

export function maskText(text: string): string {
  return maskPersonalData(text).text;
}

/**
 * A copy of plain data with every string masked, except under keys that hold identifiers of our own (turn ids,
 * rule ids, dates) which must stay exact. Depth-bounded so a cyclic value cannot hang the caller.
 */
export function maskStrings<T>(value: T, skipKeys: ReadonlySet<string> = new Set(), depth = 0): T {
  if (typeof value === 'string') return maskText(value) as T;
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => maskStrings(item, skipKeys, depth + 1)) as T;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = skipKeys.has(key) ? item : maskStrings(item, skipKeys, depth + 1);
  return copy as T;
}

/** Keys of a compliance finding that hold our own identifiers and wording, not what someone said. */
export const findingIdentifierKeys: ReadonlySet<string> = new Set(['ruleId', 'kind', 'severity', 'source', 'detectedBy', 'rulesVersion', 'start', 'end']);
