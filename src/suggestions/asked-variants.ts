import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { SearchResult } from '../retrieval/hybrid-search.js';

type Language = 'zh' | 'en';

const words = z.object({ zh: z.array(z.string()), en: z.array(z.string()) });
const label = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const variantsSchema = z.object({
  dimensions: z.array(
    z.object({
      id: z.string().min(1),
      known: label,
      covers: words,
      variants: z.array(z.object({ name: label.optional(), asked: words, covers: words })).min(1),
    }),
  ),
  wording: label,
});

/** A variant a question names (港币, a company's account) and the words a passage covering it would hold. */
export interface AskedVariant {
  dimension: string;
  /** How the reply names it. */
  name: string;
  /** How the reply names what a passage that does not name it is about (人民币, personal customers). */
  known: string;
  /** Whether a text names it, in its own words or its dimension's (外币 names every currency but the usual one). */
  namedIn: (text: string) => boolean;
}

interface Matcher {
  test: (text: string) => string | undefined;
}

const cjk = /[\u3400-\u9fff]/u;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/**
 * Chinese words match inside a word (no spaces to bound them); English ones at word boundaries, with a plural's "s",
 * so "eur" is not read in "Europe" nor "usd" in a longer code.
 */
function matcher(list: readonly string[]): Matcher {
  const lowered = list.map((word) => word.normalize('NFKC').toLowerCase()).filter(Boolean);
  const chinese = lowered.filter((word) => cjk.test(word));
  const latin = lowered.filter((word) => !cjk.test(word));
  const pattern = latin.length > 0 ? new RegExp(`(?<![a-z'-])(?:${latin.map(escape).join('|')})s?(?![a-z'-])`, 'u') : undefined;
  return {
    test: (text) => {
      const folded = text.normalize('NFKC').toLowerCase();
      return chinese.find((word) => folded.includes(word)) ?? pattern?.exec(folded)?.[0];
    },
  };
}

interface LoadedVariant {
  dimension: string;
  name?: { zh: string; en: string };
  known: { zh: string; en: string };
  asked: Matcher;
  coverage: Matcher;
}

let loaded: { variants: LoadedVariant[]; wording: { zh: string; en: string } } | undefined;

/** asked-variants.yaml next to this file, read once. */
function data(): NonNullable<typeof loaded> {
  if (!loaded) {
    const checked = variantsSchema.safeParse(parse(readFileSync(new URL('./asked-variants.yaml', import.meta.url), 'utf8')));
    if (!checked.success) throw new Error(`asked-variants.yaml: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    const variants = checked.data.dimensions.flatMap((dimension) =>
      dimension.variants.map((variant) => {
        // Both languages' words: customers and passages mix them (a "USD" in a Chinese sentence).
        const covers = [...variant.covers.zh, ...variant.covers.en, ...dimension.covers.zh, ...dimension.covers.en];
        return {
          dimension: dimension.id,
          ...(variant.name ? { name: variant.name } : {}),
          known: dimension.known,
          asked: matcher([...variant.asked.zh, ...variant.asked.en]),
          coverage: matcher(covers),
        };
      }),
    );
    loaded = { variants, wording: checked.data.wording };
  }
  return loaded;
}

/** The variants a question names, one per dimension (the first named): "港币定期" asks the currency 港币. */
export function askedVariants(question: string, language: Language): AskedVariant[] {
  const found: AskedVariant[] = [];
  for (const variant of data().variants) {
    if (found.some((each) => each.dimension === variant.dimension)) continue;
    const said = variant.asked.test(question);
    if (said === undefined) continue;
    found.push({ dimension: variant.dimension, name: variant.name?.[language] ?? said, known: variant.known[language], namedIn: (text) => variant.coverage.test(text) !== undefined });
  }
  return found;
}

/** The variants asked that the passage never names: its facts are about another currency or kind of customer. */
export function uncoveredVariants(passage: SearchResult, asked: readonly AskedVariant[]): AskedVariant[] {
  if (asked.length === 0) return [];
  const text = [passage.title, ...passage.headingPath, passage.text].join('\n');
  return asked.filter((variant) => !variant.namedIn(text));
}

/** The opening of a reply whose passage does not cover what was asked: said for reference, the rest handed over. */
export function uncoveredVariantNotice(language: Language, uncovered: readonly AskedVariant[]): string {
  const separator = language === 'zh' ? '、' : ' and ';
  const asked = [...new Set(uncovered.map((variant) => variant.name))].join(separator);
  const known = [...new Set(uncovered.map((variant) => variant.known))].join(separator);
  return data().wording[language].replaceAll('{asked}', asked).replaceAll('{known}', known);
}
