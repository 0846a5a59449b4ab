import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { isDictionaryWord } from '../text/segment-text.js';

const soundAlikesSchema = z.object({
  syllables: z.record(z.string().regex(/^[a-z]+$/u), z.string().min(1)),
  terms: z.object({ zh: z.array(z.string().min(2)) }),
  productContext: z.object({ zh: z.array(z.string().min(1)) }),
});

interface SoundAlikes {
  /** The syllables each character is read with (one or more). */
  readings: Map<string, ReadonlySet<string>>;
  terms: readonly string[];
  productContext: readonly string[];
}

let loaded: SoundAlikes | undefined;

/** sound-alikes.yaml next to this file, read once at first use. */
function soundAlikes(): SoundAlikes {
  if (loaded) return loaded;
  const checked = soundAlikesSchema.safeParse(parse(readFileSync(new URL('./sound-alikes.yaml', import.meta.url), 'utf8')));
  if (!checked.success) throw new Error(`sound-alikes.yaml: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const readings = new Map<string, Set<string>>();
  for (const [syllable, characters] of Object.entries(checked.data.syllables)) {
    for (const character of characters) {
      const known = readings.get(character) ?? new Set<string>();
      known.add(syllable);
      readings.set(character, known);
    }
  }
  loaded = { readings, terms: checked.data.terms.zh, productContext: checked.data.productContext.zh };
  return loaded;
}

/** Two characters a recogniser could write for one another: the same, or read with a common syllable. */
function soundsAlike(heard: string, meant: string, readings: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  if (heard === meant) return true;
  const heardReadings = readings.get(heard);
  const meantReadings = readings.get(meant);
  if (!heardReadings || !meantReadings) return false;
  for (const syllable of heardReadings) if (meantReadings.has(syllable)) return true;
  return false;
}

const cjkOnly = /^[\u3400-\u9fff]+$/u;
const cjk = /[\u3400-\u9fff]/u;
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
 * The words the base knows that a Chinese text says with sound-alike characters, written as the base writes them:
 * "稳赢九十天" -> "稳盈九十天", "年废" -> "年费". `names`: the product names customers say (the catalogue's names,
 * aliases and brand-less names); the general terms come from sound-alikes.yaml. Each differing character must be a
 * Chinese character read like the name's (letters and digits as written), longer names first, never overlapping. A
 * two-character everyday word ("心想") stands unless its sentence is about a product.
 */
export function repairSoundAlikes(text: string, names: readonly string[]): string {
  if (!cjk.test(text)) return text;
  const { readings, terms, productContext } = soundAlikes();
  const candidates = [...new Set([...names, ...terms])].filter((name) => name.length >= 2 && cjk.test(name)).sort((left, right) => right.length - left.length);
  const taken = new Array<boolean>(text.length).fill(false);
  // Said as the base writes it: those characters are the name, no other name may rewrite them.
  for (const name of candidates) {
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) for (let offset = 0; offset < name.length; offset += 1) taken[at + offset] = true;
  }
  const replacements: { at: number; name: string }[] = [];
  // Only the names whose first character could be the one said at a position are tried there.
  const starts = new Map<string, string[]>();
  for (const name of candidates) {
    const first = name[0] ?? '';
    for (const key of [first, ...(readings.get(first) ?? [])]) starts.set(key, [...(starts.get(key) ?? []), name]);
  }
  for (let at = 0; at < text.length; at += 1) {
    if (taken[at]) continue;
    const said = text[at] ?? '';
    const tried = new Set([...(starts.get(said) ?? []), ...[...(readings.get(said) ?? [])].flatMap((syllable) => starts.get(syllable) ?? [])]);
    // Longer names first, as they were sorted.
    for (const name of candidates) {
      if (!tried.has(name) || at + name.length > text.length) continue;
      let alike = true;
      for (let offset = 0; offset < name.length && alike; offset += 1) {
        const heard = text[at + offset] ?? '';
        const meant = name[offset] ?? '';
        alike = !taken[at + offset] && (heard === meant || (cjk.test(heard) && cjk.test(meant) && soundsAlike(heard, meant, readings)));
      }
      if (!alike) continue;
      const heard = text.slice(at, at + name.length);
      if (name.length === 2 && cjkOnly.test(heard) && isDictionaryWord(heard) && !productContext.some((word) => sentenceAround(text, at, at + 2).includes(word))) continue;
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
