import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { foldText } from '../text/segment-text.js';

const fitSchema = z.object({
  /** A call held in this language is governed from here, whatever places it names (a mainland customer sending pounds to a son in Leeds). */
  byLanguage: z.record(z.string(), z.string().regex(/^[A-Z]{2}$/u)),
  /** Where a call is governed from when its words tell nothing (or tie); null: not known. */
  fallback: z.string().regex(/^[A-Z]{2}$/u).nullable(),
  fittedOn: z.string(),
  measure: z.string(),
});

const cuesSchema = z.object({ jurisdictions: z.record(z.string().regex(/^[A-Z]{2}$/u), z.array(z.array(z.string().min(1)).min(1)).min(1)) });

interface Cue {
  word: string;
  pattern: RegExp;
}

let compiled: Map<string, Cue[]> | undefined;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

// A Latin word is matched at word boundaries ("isa" is not "visa"); a Chinese word or a sign ("£", "$") anywhere.
function patternOf(word: string): RegExp {
  const folded = foldText(word);
  return /[a-z]/u.test(folded) ? new RegExp(`(?<![a-z0-9])${escape(folded).replace(/ /gu, '\\s+')}(?![a-z0-9])`, 'u') : new RegExp(escape(folded), 'u');
}

function jurisdictionCues(): Map<string, Cue[]> {
  if (!compiled) {
    const checked = cuesSchema.safeParse(parse(readFileSync(new URL('./jurisdiction-cues.yaml', import.meta.url), 'utf8')));
    if (!checked.success) throw new Error(`jurisdiction-cues.yaml: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    compiled = new Map(Object.entries(checked.data.jurisdictions).map(([code, families]) => [code, families.flat().map((word) => ({ word, pattern: patternOf(word) }))]));
  }
  return compiled;
}

/** The words of each jurisdiction said in the call, by jurisdiction: for the inference and to show why it was made. */
export function jurisdictionWords(texts: readonly string[]): Map<string, string[]> {
  const folded = foldText(texts.join('\n')).replace(/\s+/gu, ' ');
  return new Map([...jurisdictionCues()].map(([code, cues]) => [code, cues.filter((cue) => cue.pattern.test(folded)).map((cue) => cue.word)]));
}

/**
 * Where the call is governed from, told by what is said in it (pounds and a London branch, dollars and a cell phone,
 * yuan and Shanghai): the jurisdiction with the most distinct words said, or undefined when none is said or two tie.
 */
export function callJurisdiction(texts: readonly string[]): string | undefined {
  const counts = [...jurisdictionWords(texts)].map(([code, words]) => ({ code, said: words.length })).sort((left, right) => right.said - left.said);
  const [first, second] = counts;
  if (!first || first.said === 0 || (second && second.said === first.said)) return undefined;
  return first.code;
}

let fitted: z.infer<typeof fitSchema> | undefined;

/** The decision fitted by bench/fit-call-jurisdiction.ts on labelled calls (call-jurisdiction-fit.json), read once. */
function jurisdictionFit(): z.infer<typeof fitSchema> {
  if (!fitted) {
    const checked = fitSchema.safeParse(JSON.parse(readFileSync(new URL('./call-jurisdiction-fit.json', import.meta.url), 'utf8')));
    if (!checked.success) throw new Error(`call-jurisdiction-fit.json: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    fitted = checked.data;
  }
  return fitted;
}

/**
 * Where the call tells it is governed from: a Chinese call is the mainland's (the places it names are where money
 * goes, not where the customer banks); an English one is what its words tell, if they tell anything.
 */
export function toldJurisdiction(texts: readonly string[], language: string): string | undefined {
  return jurisdictionFit().byLanguage[language] ?? callJurisdiction(texts);
}

/**
 * Where the call is governed from, for the disclosures it is owed: what it tells, and when it tells nothing, the
 * jurisdiction most such calls were found to be governed from (the fit's fallback).
 */
export function governingJurisdiction(texts: readonly string[], language: string): string | undefined {
  return toldJurisdiction(texts, language) ?? jurisdictionFit().fallback ?? undefined;
}
