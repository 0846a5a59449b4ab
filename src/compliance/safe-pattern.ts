/**
 * Rule patterns come from YAML owned by compliance staff, and run on every agent turn: a pattern that can
 * backtrack catastrophically would stall the hot path. So only bounded quantifiers are accepted ({0,8}, ?),
 * and a repeated group may not itself contain a quantifier. That keeps matching linear in the text length.
 */
export function patternProblem(source: string): string | undefined {
  try {
    new RegExp(source, 'i');
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
  const groupHasQuantifier: boolean[] = [false];
  let inClass = false;
  for (let index = 0; index < source.length; index += 1) {
    const character = source[index];
    if (character === '\\') {
      index += 1;
      continue;
    }
    if (inClass) {
      if (character === ']') inClass = false;
      continue;
    }
    if (character === '[') {
      inClass = true;
      continue;
    }
    if (character === '*' || character === '+') {
      return `unbounded quantifier "${character}" at ${index}: use a bounded one such as {0,10}`;
    }
    if (character === '(') {
      groupHasQuantifier.push(false);
      continue;
    }
    const quantifier = readQuantifier(source, index);
    if (character === ')') {
      const inner = groupHasQuantifier.pop() ?? false;
      const next = readQuantifier(source, index + 1);
      if (next && next.max > 1 && inner) return `nested quantifier at ${index}: a repeated group may not contain a quantifier`;
      if (next || inner) groupHasQuantifier[groupHasQuantifier.length - 1] = true;
      continue;
    }
    if (quantifier) {
      if (quantifier.max === Infinity) return `unbounded quantifier at ${index}: give an upper bound`;
      groupHasQuantifier[groupHasQuantifier.length - 1] = true;
      index += quantifier.length - 1;
    }
  }
  return undefined;
}

function readQuantifier(source: string, index: number): { max: number; length: number } | undefined {
  const character = source[index];
  if (character === '?') {
    // `(?:`, `(?=`, `(?<name>` are group syntax, not quantifiers.
    if (source[index - 1] === '(') return undefined;
    return { max: 1, length: 1 };
  }
  if (character !== '{') return undefined;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(index, index + 16));
  if (!match) return undefined;
  const max = match[2] === undefined ? Number(match[1]) : match[3] === '' ? Infinity : Number(match[3]);
  return { max, length: match[0].length };
}

// One word family serves several frames and rules: the same non-global alternation is compiled once and shared
// (a non-global RegExp keeps no state between tests), so a check can remember what it answered on a window.
const sharedAlternations = new Map<string, RegExp>();

/** Compiles one alternation of rule patterns; `global` for scanning, case-insensitive as a safety net. */
export function compileAlternation(sources: readonly string[], global = true): RegExp {
  const body = sources.map((source) => `(?:${source.replace(/\(\?<core>/g, '(?:')})`).join('|');
  if (global) return new RegExp(body, 'gi');
  let shared = sharedAlternations.get(body);
  if (!shared) {
    shared = new RegExp(body, 'i');
    sharedAlternations.set(body, shared);
  }
  return shared;
}
