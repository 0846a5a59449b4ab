/**
 * The literal strings a rule pattern cannot match without: a set S such that every match of the pattern contains
 * one string of S. A check runs a few hundred patterns over a text that, most of the time, holds none of their
 * words; finding every pattern's literals in one pass over the text (pattern-prefilter.ts) tells which patterns
 * can match at all, and only those run.
 *
 * The answer must never exclude a real match, so anything this reader does not fully understand (a character
 * class it cannot list, a back-reference, an unknown escape, a pattern with the `u` or `v` flag) yields "no
 * literal is required" and the pattern always runs. Case-insensitive patterns get upper-cased literals, to be
 * looked for in the upper-cased text (for one character, upper-casing is what case-insensitive matching compares).
 */

/** A parsed pattern node: only what decides which strings a match must contain. */
type PatternNode =
  | { type: 'characters'; choices: string[] | undefined }
  | { type: 'empty' }
  | { type: 'alternation'; alternatives: PatternNode[][] }
  | { type: 'repeat'; node: PatternNode; minimum: number; maximum: number };

/** At most this many exact strings are enumerated for one piece of a pattern (a product of choices grows fast). */
const maximumChoices = 48;
/** A class with more members than this is treated as unknown (its members would make poor literals anyway). */
const maximumClassMembers = 12;
/** A required literal is cut to this many characters: any part of a required string is itself required. */
const maximumLiteralLength = 10;

class UnsupportedPattern extends Error {}

class PatternReader {
  index = 0;
  constructor(readonly source: string) {}

  peek(offset = 0): string | undefined {
    return this.source[this.index + offset];
  }

  alternation(): PatternNode {
    const alternatives: PatternNode[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.index += 1;
      alternatives.push(this.sequence());
    }
    return { type: 'alternation', alternatives };
  }

  sequence(): PatternNode[] {
    const nodes: PatternNode[] = [];
    for (let character = this.peek(); character !== undefined && character !== '|' && character !== ')'; character = this.peek()) {
      const atom = this.atom();
      nodes.push(this.quantified(atom));
    }
    return nodes;
  }

  atom(): PatternNode {
    const character = this.peek();
    if (character === '(') return this.group();
    if (character === '[') return this.characterClass();
    this.index += 1;
    if (character === '.') return { type: 'characters', choices: undefined };
    if (character === '^' || character === '$') return { type: 'empty' };
    if (character === '\\') return this.escape();
    if (character === '*' || character === '+' || character === '?') throw new UnsupportedPattern('quantifier without an atom');
    return { type: 'characters', choices: [character ?? ''] };
  }

  group(): PatternNode {
    this.index += 1;
    let lookaround = false;
    if (this.peek() === '?') {
      const next = this.peek(1);
      if (next === ':') this.index += 2;
      else if (next === '=' || next === '!') {
        this.index += 2;
        lookaround = true;
      } else if (next === '<' && (this.peek(2) === '=' || this.peek(2) === '!')) {
        this.index += 3;
        lookaround = true;
      } else if (next === '<') {
        const close = this.source.indexOf('>', this.index);
        if (close < 0) throw new UnsupportedPattern('unterminated group name');
        this.index = close + 1;
      } else throw new UnsupportedPattern('unknown group syntax');
    }
    const inner = this.alternation();
    if (this.peek() !== ')') throw new UnsupportedPattern('unterminated group');
    this.index += 1;
    // A lookaround matches no characters: it adds nothing a match must contain.
    return lookaround ? { type: 'empty' } : inner;
  }

  escape(): PatternNode {
    const character = this.peek();
    if (character === undefined) throw new UnsupportedPattern('trailing backslash');
    this.index += 1;
    if (character === 'b' || character === 'B') return { type: 'empty' };
    const escaped = this.escapedCharacter(character);
    return { type: 'characters', choices: escaped === undefined ? undefined : [escaped] };
  }

  /** The one character an escape stands for, or undefined for a class of characters or anything unusual. */
  escapedCharacter(character: string): string | undefined {
    if ('dDwWsS'.includes(character)) return undefined;
    if (/[0-9]/.test(character)) {
      // A back-reference or an octal escape: either way, not read here.
      throw new UnsupportedPattern('numeric escape');
    }
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };
    if (simple[character] !== undefined) return simple[character];
    if (character === 'x' || character === 'u') {
      const length = character === 'x' ? 2 : 4;
      const digits = this.source.slice(this.index, this.index + length);
      if (digits.length === length && /^[0-9a-fA-F]+$/.test(digits)) {
        this.index += length;
        return String.fromCharCode(Number.parseInt(digits, 16));
      }
      throw new UnsupportedPattern('unusual hexadecimal escape');
    }
    if (character === 'c' || character === 'k' || character === 'p' || character === 'P') throw new UnsupportedPattern(`escape \\${character}`);
    if (/[a-zA-Z]/.test(character)) throw new UnsupportedPattern(`letter escape \\${character}`);
    return character;
  }

  characterClass(): PatternNode {
    this.index += 1;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.index += 1;
    }
    const members = new Set<string>();
    let known = true;
    let first = true;
    for (;;) {
      const character = this.peek();
      if (character === undefined) throw new UnsupportedPattern('unterminated class');
      if (character === ']' && !first) break;
      if (character === ']' && first) throw new UnsupportedPattern('empty class');
      first = false;
      const low = this.classCharacter();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.index += 1;
        const high = this.classCharacter();
        if (low === undefined || high === undefined) throw new UnsupportedPattern('range of a class escape');
        const from = low.charCodeAt(0);
        const to = high.charCodeAt(0);
        if (to < from) throw new UnsupportedPattern('reversed range');
        if (to - from + 1 > maximumClassMembers) known = false;
        else for (let code = from; code <= to; code += 1) members.add(String.fromCharCode(code));
      } else if (low === undefined) known = false;
      else members.add(low);
    }
    this.index += 1;
    if (negated || !known || members.size > maximumClassMembers) return { type: 'characters', choices: undefined };
    return { type: 'characters', choices: [...members] };
  }

  /** One member of a class: a character, or undefined for a class escape such as \d. */
  classCharacter(): string | undefined {
    const character = this.peek();
    this.index += 1;
    if (character !== '\\') return character;
    const escaped = this.peek();
    if (escaped === undefined) throw new UnsupportedPattern('trailing backslash');
    this.index += 1;
    // Inside a class \b is the backspace character.
    if (escaped === 'b') return '\b';
    if (escaped === '-') return '-';
    return this.escapedCharacter(escaped);
  }

  quantified(atom: PatternNode): PatternNode {
    const character = this.peek();
    let minimum = 1;
    let maximum = 1;
    if (character === '?' || character === '*' || character === '+') {
      this.index += 1;
      minimum = character === '+' ? 1 : 0;
      maximum = character === '?' ? 1 : Infinity;
    } else if (character === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.index, this.index + 24));
      // Without the `u` flag a brace that does not open a quantifier is a literal brace.
      if (!match) return atom;
      this.index += match[0].length;
      minimum = Number(match[1]);
      maximum = match[2] === undefined ? minimum : match[3] === '' ? Infinity : Number(match[3]);
    } else return atom;
    if (this.peek() === '?') this.index += 1;
    if (atom.type === 'empty') return atom;
    return { type: 'repeat', node: atom, minimum, maximum };
  }
}

/** Every string the node can match, when they are few enough to list (strings may be empty). */
function exactStrings(node: PatternNode): string[] | undefined {
  switch (node.type) {
    case 'characters':
      return node.choices;
    case 'empty':
      return [''];
    case 'alternation': {
      const all = new Set<string>();
      for (const alternative of node.alternatives) {
        const strings = sequenceExact(alternative);
        if (!strings) return undefined;
        for (const value of strings) all.add(value);
        if (all.size > maximumChoices) return undefined;
      }
      return [...all];
    }
    case 'repeat': {
      if (node.maximum > 1) return undefined;
      const inner = exactStrings(node.node);
      if (!inner) return undefined;
      return node.minimum === 0 ? [...new Set(['', ...inner])] : inner;
    }
  }
}

function product(left: readonly string[], right: readonly string[]): string[] | undefined {
  if (left.length * right.length > maximumChoices) return undefined;
  const strings = new Set<string>();
  for (const head of left) for (const tail of right) strings.add(head + tail);
  return [...strings];
}

function sequenceExact(nodes: readonly PatternNode[]): string[] | undefined {
  let strings: string[] | undefined = [''];
  for (const node of nodes) {
    const next = exactStrings(node);
    if (!next || !strings) return undefined;
    strings = product(strings, next);
  }
  return strings;
}

/** How selective a set of literals is: its weakest member's weight (an ideograph says more than a Latin letter). */
function selectivity(literals: readonly string[]): number {
  let weakest = Infinity;
  for (const literal of literals) {
    let weight = 0;
    for (const character of literal) weight += character.charCodeAt(0) >= 0x2e80 ? 3 : /[a-z0-9]/i.test(character) ? 1 : 0.5;
    weakest = Math.min(weakest, weight);
  }
  return weakest;
}

function better(left: string[] | undefined, right: string[] | undefined): string[] | undefined {
  if (!left) return right;
  if (!right) return left;
  const difference = selectivity(right) - selectivity(left);
  if (difference !== 0) return difference > 0 ? right : left;
  return right.length < left.length ? right : left;
}

/** A usable literal set: none empty (an empty string is in every text). */
function usable(strings: string[] | undefined): string[] | undefined {
  return strings && strings.length > 0 && strings.every((value) => value.length > 0) ? strings : undefined;
}

/** Strings one of which every match of the node contains, or undefined when nothing is required. */
function requiredStrings(node: PatternNode): string[] | undefined {
  switch (node.type) {
    case 'characters':
      return usable(node.choices);
    case 'empty':
      return undefined;
    case 'alternation': {
      const all = new Set<string>();
      for (const alternative of node.alternatives) {
        const strings = sequenceRequired(alternative);
        if (!strings) return undefined;
        for (const value of strings) all.add(value);
      }
      return [...all];
    }
    case 'repeat':
      return node.minimum >= 1 ? requiredStrings(node.node) : undefined;
  }
}

function sequenceRequired(nodes: readonly PatternNode[]): string[] | undefined {
  let best: string[] | undefined;
  // Runs of consecutive pieces whose strings can be listed give longer literals than any piece alone.
  let run: string[] | undefined = [''];
  for (const node of nodes) {
    best = better(best, requiredStrings(node));
    const next = exactStrings(node);
    const joined: string[] | undefined = next && run ? product(run, next) : undefined;
    if (joined) {
      run = joined;
      continue;
    }
    best = better(best, usable(run));
    run = next ? [...next] : [''];
  }
  return better(best, usable(run));
}

/**
 * The literals every match of `source` contains (upper-cased when `ignoreCase`), or undefined when the pattern
 * must always run. No literal holds a line break: the conversation windows are turns joined by line breaks, and
 * their literals are found turn by turn.
 */
export function requiredLiterals(source: string, flags: string): string[] | undefined {
  if (flags.includes('u') || flags.includes('v') || flags.includes('y')) return undefined;
  let strings: string[] | undefined;
  try {
    const reader = new PatternReader(source);
    const node = reader.alternation();
    if (reader.index !== source.length) return undefined;
    strings = requiredStrings(node);
  } catch (error) {
    if (error instanceof UnsupportedPattern) return undefined;
    throw error;
  }
  if (!strings) return undefined;
  const ignoreCase = flags.includes('i');
  const literals = new Set<string>();
  for (const value of strings) {
    const literal = (ignoreCase ? value.toUpperCase() : value).slice(0, maximumLiteralLength);
    if (literal.length === 0 || literal.includes('\n')) return undefined;
    literals.add(literal);
  }
  return [...literals];
}
