import { requiredLiterals } from './required-literals.js';

/**
 * Which of the rules' patterns can match a text, found in one pass: every pattern's required literals
 * (required-literals.ts) go into one Aho-Corasick automaton, the text is scanned once, and a pattern none of whose
 * literals occurred cannot match, so its regular expression is not run. A "may match" is only a may: the pattern
 * itself still decides. Patterns without literals (or not case-insensitive) are always run.
 */
export class PatternPrefilter {
  /** Per pattern: its index among the filtered ones (patterns absent here always run). */
  readonly #indexOf = new Map<RegExp, number>();
  readonly #children: Map<number, number>[] = [new Map()];
  readonly #failure: number[] = [0];
  /** Per automaton state: the patterns one of whose literals ends there (its own and its suffixes'). */
  readonly #outputs: (number[] | undefined)[] = [undefined];
  readonly patternCount: number;
  /** The root's transitions by code unit (0: stay at the root): every scan starts there and returns there often. */
  readonly #rootNext = new Int32Array(0x10000);
  /** Code units that occur in some literal: any other one sends the scan back to the root at once. */
  readonly #alphabet = new Uint8Array(0x10000);
  /** Per state, the scan that last reported its outputs: a common literal (的, the) is reported once per text. */
  #reportedIn = new Uint32Array(1);
  #scans = 0;
  /**
   * Every non-root transition in one open-addressing hash table (state, code unit) -> state: a lookup is a few
   * typed-array reads, where a Map per state made the scan the costliest part of a check.
   */
  /** Slots of three: state (-1 when empty), code unit, next state; side by side, so a probe reads one cache line. */
  #table = new Int32Array(3).fill(-1);
  #tableMask = 0;

  constructor(patterns: Iterable<RegExp>) {
    const literalIds = new Map<string, number[]>();
    for (const pattern of patterns) {
      if (this.#indexOf.has(pattern) || !pattern.flags.includes('i')) continue;
      const literals = requiredLiterals(pattern.source, pattern.flags);
      if (!literals) continue;
      const index = this.#indexOf.size;
      this.#indexOf.set(pattern, index);
      for (const literal of literals) {
        const owners = literalIds.get(literal);
        if (owners) owners.push(index);
        else literalIds.set(literal, [index]);
      }
    }
    this.patternCount = this.#indexOf.size;
    for (const [literal, owners] of literalIds) this.#insert(literal, owners);
    this.#link();
  }

  #insert(literal: string, owners: readonly number[]): void {
    let state = 0;
    for (let offset = 0; offset < literal.length; offset += 1) {
      const code = literal.charCodeAt(offset);
      this.#alphabet[code] = 1;
      const children = this.#children[state] ?? new Map<number, number>();
      this.#children[state] = children;
      let next = children.get(code);
      if (next === undefined) {
        next = this.#children.length;
        this.#children.push(new Map());
        this.#failure.push(0);
        this.#outputs.push(undefined);
        children.set(code, next);
      }
      state = next;
    }
    this.#outputs[state] = [...(this.#outputs[state] ?? []), ...owners];
  }

  /** Breadth-first failure links; each state's outputs gain those of its failure state. */
  #link(): void {
    const queue: number[] = [];
    for (const child of this.#children[0]?.values() ?? []) queue.push(child);
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head] ?? 0;
      for (const [code, child] of this.#children[state] ?? []) {
        let fallback = this.#failure[state] ?? 0;
        while (fallback !== 0 && !this.#children[fallback]?.has(code)) fallback = this.#failure[fallback] ?? 0;
        const target = this.#children[fallback]?.get(code);
        this.#failure[child] = target !== undefined && target !== child ? target : 0;
        const inherited = this.#outputs[this.#failure[child] ?? 0];
        if (inherited) this.#outputs[child] = [...new Set([...(this.#outputs[child] ?? []), ...inherited])];
        queue.push(child);
      }
    }
    for (const [state, children] of this.#children.entries()) if (children.size === 0) this.#children[state] = emptyChildren;
    for (const [code, child] of this.#children[0] ?? []) this.#rootNext[code] = child;
    this.#reportedIn = new Uint32Array(this.#children.length);
    this.#buildTable();
  }

  #buildTable(): void {
    let size = 2;
    while (size < this.#children.length * 2) size *= 2;
    const table = new Int32Array(size * 3).fill(-1);
    this.#tableMask = size - 1;
    for (const [state, children] of this.#children.entries()) {
      if (state === 0) continue;
      for (const [code, child] of children) {
        let slot = slotOf(state, code, this.#tableMask);
        while (table[slot * 3] !== -1) slot = (slot + 1) & this.#tableMask;
        table[slot * 3] = state;
        table[slot * 3 + 1] = code;
        table[slot * 3 + 2] = child;
      }
    }
    this.#table = table;
  }

  /** The child of a non-root `state` by `code`, or 0 when there is none. */
  #next(state: number, code: number): number {
    const mask = this.#tableMask;
    const table = this.#table;
    for (let slot = slotOf(state, code, mask); ; slot = (slot + 1) & mask) {
      const held = table[slot * 3] ?? -1;
      if (held === -1) return 0;
      if (held === state && table[slot * 3 + 1] === code) return table[slot * 3 + 2] ?? 0;
    }
  }

  /** Marks the filtered patterns whose literals occur in `upperText` (upper-cased, as the literals are). */
  #scan(upperText: string, found: PresenceBits): void {
    let state = 0;
    const failure = this.#failure;
    const outputs = this.#outputs;
    const rootNext = this.#rootNext;
    const alphabet = this.#alphabet;
    const reportedIn = this.#reportedIn;
    // The stamps restart from zero when the counter wraps, so an old stamp can never pass for this scan's.
    this.#scans = this.#scans === 0xffffffff ? 1 : this.#scans + 1;
    if (this.#scans === 1) reportedIn.fill(0);
    const scan = this.#scans;
    for (let offset = 0; offset < upperText.length; offset += 1) {
      const code = upperText.charCodeAt(offset);
      if (alphabet[code] === 0) {
        state = 0;
        continue;
      }
      let next = 0;
      while (state !== 0) {
        next = this.#next(state, code);
        if (next !== 0) break;
        state = failure[state] ?? 0;
      }
      state = state === 0 ? (rootNext[code] ?? 0) : next;
      if (state === 0 || reportedIn[state] === scan) continue;
      reportedIn[state] = scan;
      const owners = outputs[state];
      if (owners) for (const owner of owners) found.add(owner);
    }
  }

  /** What may match in `text`. */
  presence(text: string): PatternPresence {
    const found = new PresenceBits(this.patternCount);
    if (text) this.#scan(text.toUpperCase(), found);
    return new PatternPresence(this.#indexOf, found);
  }

  /** What may match in any of several texts (a window of turns, each scanned once), merged on first use. */
  union(presences: readonly PatternPresence[]): PatternPresence {
    if (presences.length === 1 && presences[0]) return presences[0];
    return new PatternPresence(this.#indexOf, presences);
  }
}

const emptyChildren = new Map<number, number>();

function slotOf(state: number, code: number, mask: number): number {
  return (Math.imul(state, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) & mask;
}

/** Bits per element: 30 keeps every element a small integer, so the array stays a compact on-heap one. */
const bitsPerWord = 30;

/** A set of pattern indices: a plain array of small integers (a typed array of this size lives off-heap, slower to make). */
class PresenceBits {
  readonly words: number[];
  /** The indices set, so a union costs what was found rather than the number of patterns. */
  readonly members: number[] = [];

  constructor(size: number) {
    // Pushed one by one: a packed array of small integers (`new Array(n).fill(0)` made a slower, holey one).
    this.words = [];
    for (let word = Math.ceil(size / bitsPerWord); word >= 0; word -= 1) this.words.push(0);
  }

  add(index: number): void {
    const word = (index / bitsPerWord) | 0;
    const bit = 1 << index % bitsPerWord;
    const current = this.words[word] ?? 0;
    if ((current & bit) !== 0) return;
    this.words[word] = current | bit;
    this.members.push(index);
  }

  has(index: number): boolean {
    return ((this.words[(index / bitsPerWord) | 0] ?? 0) & (1 << index % bitsPerWord)) !== 0;
  }
}

export class PatternPresence {
  readonly #indexOf: ReadonlyMap<RegExp, number>;
  #found: PresenceBits | undefined;
  /** The parts of a union not merged yet (most checks never ask about most windows). */
  #parts: readonly PatternPresence[] | undefined;

  constructor(indexOf: ReadonlyMap<RegExp, number>, found: PresenceBits | readonly PatternPresence[]) {
    this.#indexOf = indexOf;
    if (found instanceof PresenceBits) this.#found = found;
    else this.#parts = found;
  }

  #bits(): PresenceBits {
    if (this.#found) return this.#found;
    const found = new PresenceBits(this.#indexOf.size);
    for (const part of this.#parts ?? []) for (const index of part.#bits().members) found.add(index);
    this.#found = found;
    this.#parts = undefined;
    return found;
  }

  /** False only when `pattern` cannot match the text: none of its required literals is in it. */
  mayMatch(pattern: RegExp): boolean {
    const index = this.#indexOf.get(pattern);
    return index === undefined || this.#bits().has(index);
  }
}
