/**
 * A pure function of a text, remembered for the last `capacity` texts (least recently used forgotten first).
 *
 * Why: one customer turn is read many times over (the cards' query, their situations, the knowledge-gap check, the
 * suggestion's understanding, the product under discussion), and the same retrieved passages come back turn after
 * turn; each reading segments the text again (jieba), the costliest step outside the search itself. Keyed by the
 * text, so nothing can go stale: a changed passage is a different key. Callers must not mutate what comes back.
 */
export function memoizeByText<T>(compute: (text: string) => T, capacity: number): (text: string) => T {
  const remembered = new Map<string, T>();
  return (text) => {
    const known = remembered.get(text);
    if (known !== undefined || remembered.has(text)) {
      // Re-inserted so it is the most recently used.
      remembered.delete(text);
      remembered.set(text, known as T);
      return known as T;
    }
    const value = compute(text);
    if (remembered.size >= capacity) remembered.delete(remembered.keys().next().value as string);
    remembered.set(text, value);
    return value;
  };
}
