import { readFileSync } from 'node:fs';
import { polyphonic } from 'pinyin-pro';
import { parse } from 'yaml';
import { z } from 'zod';
import { dictionaryWords, type WordSpan } from '../text/segment-text.js';

const soundAlikesSchema = z.object({
  terms: z.object({ zh: z.array(z.string().min(2)) }),
  productContext: z.object({ zh: z.array(z.string().min(1)) }),
});

interface SoundAlikes {
  terms: readonly string[];
  productContext: readonly string[];
}

let loaded: SoundAlikes | undefined;

/** sound-alikes.yaml next to this file, read once at first use. */
function soundAlikes(): SoundAlikes {
  if (loaded) return loaded;
  const checked = soundAlikesSchema.safeParse(parse(readFileSync(new URL('./sound-alikes.yaml', import.meta.url), 'utf8')));
  if (!checked.success) throw new Error(`sound-alikes.yaml: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  loaded = { terms: checked.data.terms.zh, productContext: checked.data.productContext.zh };
  return loaded;
}

const cjkOnly = /^[\u3400-\u9fff]+$/u;
const cjk = /[\u3400-\u9fff]/u;
const readings = new Map<string, readonly string[]>();

/** Every syllable a character is read with, tones ignored (recognisers confuse them): 行 -> xing, hang, heng. */
function readingsOf(character: string): readonly string[] {
  let known = readings.get(character);
  if (!known) {
    known = cjk.test(character) ? (polyphonic(character, { toneType: 'none', type: 'array' })[0] ?? []) : [];
    readings.set(character, known);
  }
  return known;
}

/** Two characters a recogniser could write for one another: the same, or read with a common syllable. */
function soundsAlike(heard: string, meant: string): boolean {
  if (heard === meant) return true;
  const meantReadings = readingsOf(meant);
  return readingsOf(heard).some((syllable) => meantReadings.includes(syllable));
}

const sentenceEnd = /[。！？!?；;\n]/u;

/** The sentence of `text` around [from, to): what a word that sounds like a name is said in. */
function sentenceAround(text: string, from: number, to: number): string {
  let start = from;
  while (start > 0 && !sentenceEnd.test(text[start - 1] ?? '')) start -= 1;
  let end = to;
  while (end < text.length && !sentenceEnd.test(text[end] ?? '')) end += 1;
  return text.slice(start, from) + text.slice(to, end);
}

/**
 * Whether the characters at `at` that sound like `name` are the name misheard rather than words the customer meant.
 * A recogniser writes a name it does not know as characters starting a word of their own, so a name starting inside
 * a word is no mishearing ("身份证信息" holds 证信, not 征信). A short name (two or three characters) whose sound-alike
 * holds an everyday word of its own ("心想", "有逾期" for 犹豫期) is more likely that word, unless the sentence is
 * about a product; four characters or more sounding alike are the name. bench/sound-alike-repairs.ts counts the
 * repairs these rules still make on real customers' text.
 */
function heardAsName(text: string, at: number, name: string, words: readonly WordSpan[], productContext: readonly string[]): boolean {
  const end = at + name.length;
  if (words.some((word) => word.start < at && at < word.end)) return false;
  if (name.length > 3) return true;
  const everydayWord = words.some((word) => word.start >= at && word.end <= end && word.end - word.start >= 2 && cjkOnly.test(text.slice(word.start, word.end)) && text.slice(word.start, word.end) !== name.slice(word.start - at, word.end - at));
  return !everydayWord || productContext.some((word) => sentenceAround(text, at, end).includes(word));
}

/**
 * The words the base knows that a Chinese text says with sound-alike characters, written as the base writes them:
 * "稳赢九十天" -> "稳盈九十天", "年废" -> "年费". `names`: the product names customers say (the catalogue's names,
 * aliases and brand-less names); the general terms come from sound-alikes.yaml. Each differing character must be a
 * Chinese character read like the name's (letters and digits as written), longer names first, never overlapping. A
 * two-character everyday word ("心想") stands unless its sentence is about a product.
 */
export function repairSoundAlikes(text: string, names: readonly string[]): string {
  if (!cjk.test(text)) return text;
  const { terms, productContext } = soundAlikes();
  const candidates = [...new Set([...names, ...terms])].filter((name) => name.length >= 2 && cjk.test(name)).sort((left, right) => right.length - left.length);
  const taken = new Array<boolean>(text.length).fill(false);
  const words = dictionaryWords(text);
  // Said as the base writes it: those characters are the name, no other name may rewrite them.
  for (const name of candidates) {
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) for (let offset = 0; offset < name.length; offset += 1) taken[at + offset] = true;
  }
  const replacements: { at: number; name: string }[] = [];
  // Only the names whose first character could be the one said at a position are tried there.
  const starts = new Map<string, string[]>();
  for (const name of candidates) {
    const first = name[0] ?? '';
    for (const key of [first, ...(readingsOf(first))]) starts.set(key, [...(starts.get(key) ?? []), name]);
  }
  for (let at = 0; at < text.length; at += 1) {
    if (taken[at]) continue;
    const said = text[at] ?? '';
    const tried = new Set([...(starts.get(said) ?? []), ...readingsOf(said).flatMap((syllable) => starts.get(syllable) ?? [])]);
    // Longer names first, as they were sorted.
    for (const name of candidates) {
      if (!tried.has(name) || at + name.length > text.length) continue;
      let alike = true;
      for (let offset = 0; offset < name.length && alike; offset += 1) {
        const heard = text[at + offset] ?? '';
        const meant = name[offset] ?? '';
        alike = !taken[at + offset] && (heard === meant || (cjk.test(heard) && cjk.test(meant) && soundsAlike(heard, meant)));
      }
      if (!alike) continue;
      if (!heardAsName(text, at, name, words, productContext)) continue;
      for (let offset = 0; offset < name.length; offset += 1) taken[at + offset] = true;
      replacements.push({ at, name });
      break;
    }
  }
  if (replacements.length === 0) return text;
  let repaired = '';
  let cursor = 0;
  for (const { at, name } of replacements.sort((left, right) => left.at - right.at)) {
    repaired += text.slice(cursor, at) + name;
    cursor = at + name.length;
  }
  return repaired + text.slice(cursor);
}
