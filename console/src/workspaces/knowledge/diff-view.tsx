import { useText } from '../../i18n/use-text';
import { diffLines } from './line-diff';

const marks = { same: ' ', added: '+', removed: '−' } as const;

/** Two versions' bodies line by line; added and removed lines carry a sign as well as a colour. */
export function DiffView({ before, after }: { before: string; after: string }) {
  const { t } = useText();
  const lines = diffLines(before, after);
  const added = lines.filter((line) => line.kind === 'added').length;
  const removed = lines.filter((line) => line.kind === 'removed').length;
  return (
    <div>
      <p className="muted">{t('knowledge.diff.counts', { added, removed })}</p>
      <div className="diff" role="table" aria-label={t('knowledge.diff.title')}>
        {lines.map((line, index) => (
          <div key={index} className={`diff-line ${line.kind}`} role="row" data-kind={line.kind}>
            <span role="cell">{line.oldNumber ?? ''}</span>
            <span role="cell">{line.newNumber ?? ''}</span>
            <span role="cell" aria-label={t(`knowledge.diff.${line.kind}`)}>
              {marks[line.kind]}
            </span>
            <span role="cell">{line.text || ' '}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
