export interface SpokenTurn {
  id: string;
  speaker: 'customer' | 'agent';
  text: string;
}

const sentenceEnd = /(?<=[。！？!?；;.])\s*/u;

/**
 * What the customer asked at a point of the call: the run of customer turns that ends at `atTurnId` (or
 * before the agent turns that follow it), joined. A spoken question often spans two turns ("我想问一下" /
 * "信用卡怎么提额"). Longer than `maximumCharacters`, it keeps its last sentences: the question comes last.
 * Undefined when there is no customer turn.
 */
export function customerQuestion(turns: readonly SpokenTurn[], atTurnId: string | undefined, maximumCharacters: number): string | undefined {
  let end = atTurnId === undefined ? turns.length - 1 : turns.findIndex((turn) => turn.id === atTurnId);
  if (end < 0) end = turns.length - 1;
  while (end >= 0 && turns[end]!.speaker !== 'customer') end -= 1;
  if (end < 0) return undefined;
  let start = end;
  while (start > 0 && turns[start - 1]!.speaker === 'customer') start -= 1;
  const sentences = turns
    .slice(start, end + 1)
    .flatMap((turn) => turn.text.split(sentenceEnd))
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
  const kept: string[] = [];
  let length = 0;
  for (let index = sentences.length - 1; index >= 0; index -= 1) {
    const sentence = sentences[index]!;
    const added = sentence.length + (kept.length > 0 ? 1 : 0);
    if (length + added > maximumCharacters) break;
    kept.unshift(sentence);
    length += added;
  }
  // One sentence longer than the limit is no question to propose.
  return kept.length > 0 ? kept.join(' ') : undefined;
}
