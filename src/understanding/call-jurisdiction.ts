import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { foldText } from '../text/segment-text.js';

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
