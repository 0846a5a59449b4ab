import type { VersionDiff } from '../knowledge/diff-versions.js';

const colors = { red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', dim: '\u001b[2m', reset: '\u001b[0m' };
/** Unchanged sentences shown around each change; longer runs are folded into a count. */
const context = 2;

/** A diff as a knowledge owner reads it in a terminal: metadata, rates, sentences (- / +), chunks. Coloured on a TTY. */
export function formatDiff(diff: VersionDiff & { externalId?: string }, options: { color: boolean }): string {
  const paint = (color: keyof typeof colors, text: string) => (options.color ? `${colors[color]}${text}${colors.reset}` : text);
  const lines: string[] = [paint('yellow', `${diff.externalId ?? ''} v${diff.from} -> v${diff.to}`.trim())];
  if (diff.metadata.length > 0) {
    lines.push('metadata:');
    for (const change of diff.metadata) lines.push(`  ${change.field}: ${paint('red', JSON.stringify(change.from))} -> ${paint('green', JSON.stringify(change.to))}`);
  }
  if (diff.rates.removed.length + diff.rates.added.length > 0) {
    lines.push(`rates: ${paint('red', diff.rates.removed.map((rate) => `-${rate}`).join(' '))} ${paint('green', diff.rates.added.map((rate) => `+${rate}`).join(' '))}`.trimEnd());
  }
  lines.push(`text: ${diff.text.added} added, ${diff.text.removed} removed, ${diff.text.unchanged} unchanged sentences`);
  const changes = diff.text.changes;
  const near = (index: number) => changes.slice(Math.max(0, index - context), index + context + 1).some((change) => change.op !== 'unchanged');
  let folded = 0;
  changes.forEach((change, index) => {
    if (change.op === 'unchanged' && !near(index)) {
      folded += 1;
      return;
    }
    if (folded > 0) lines.push(paint('dim', `  ... ${folded} unchanged`));
    folded = 0;
    if (change.op === 'added') lines.push(paint('green', `+ ${change.text}`));
    else if (change.op === 'removed') lines.push(paint('red', `- ${change.text}`));
    else lines.push(`  ${change.text}`);
  });
  if (folded > 0) lines.push(paint('dim', `  ... ${folded} unchanged`));
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const change of diff.chunks.changes) counts[change.change] += 1;
  lines.push(`chunks: ${counts.changed} changed, ${counts.added} added, ${counts.removed} removed, ${diff.chunks.unchanged} unchanged`);
  return `${lines.join('\n')}\n`;
}
