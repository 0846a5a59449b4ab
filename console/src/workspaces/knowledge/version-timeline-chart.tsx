import { useText } from '../../i18n/use-text';
import type { DocumentVersionSummary } from './knowledge-types';
import { buildTimeline, timelinePosition } from './version-timeline';

const rowHeight = 22;
const labelWidth = 64;
const width = 560;

function dateLabel(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** The versions as bars over their effective dates; the one retrieval serves today is marked, not only coloured. */
export function VersionTimelineChart({ versions, retired, at, onOpen }: { versions: readonly DocumentVersionSummary[]; retired: boolean; at: Date; onOpen: (version: number) => void }) {
  const { t } = useText();
  const timeline = buildTimeline(versions, at, retired);
  const plot = width - labelWidth - 8;
  const height = timeline.rows.length * rowHeight + 34;
  const x = (time: number | undefined, open: 'start' | 'end') => labelWidth + timelinePosition(timeline, time, open) * plot;
  const today = x(at.getTime(), 'start');
  return (
    <figure className="timeline-figure">
      <svg className="timeline" role="img" aria-label={t('knowledge.timeline.label')} viewBox={`0 0 ${width} ${height}`} width="100%">
        <line x1={today} x2={today} y1={4} y2={height - 20} stroke="#b34000" strokeDasharray="4 3" />
        <text x={today + 3} y={12}>{t('knowledge.timeline.today')}</text>
        {timeline.rows.map((row, index) => {
          const y = 18 + index * rowHeight;
          const left = x(row.from, 'start');
          const right = x(row.until, 'end');
          const fill = row.status === 'approved' ? (row.servedAt ? '#0a5bb5' : '#7fa6d3') : row.status === 'draft' ? '#e69f00' : '#999999';
          return (
            <g key={row.version} data-version={row.version} data-served={row.servedAt}>
              <text x={4} y={y + 14}>
                v{row.version}
                {row.servedAt ? ' ★' : ''}
              </text>
              <rect
                x={left}
                y={y + 3}
                width={Math.max(2, right - left)}
                height={rowHeight - 8}
                fill={fill}
                strokeDasharray={row.status === 'draft' ? '3 2' : undefined}
                stroke={row.status === 'draft' ? '#8a5a00' : 'none'}
                tabIndex={0}
                role="button"
                aria-label={t('knowledge.timeline.bar', { version: row.version, status: t(`knowledge.status.${row.status}`), from: row.from === undefined ? '—' : dateLabel(row.from), until: row.until === undefined ? '—' : dateLabel(row.until) })}
                onClick={() => onOpen(row.version)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' || event.key === ' ') {
                    event.preventDefault();
                    onOpen(row.version);
                  }
                }}
              >
                <title>{`v${row.version} ${row.status}`}</title>
              </rect>
            </g>
          );
        })}
        <text x={labelWidth} y={height - 6}>{dateLabel(timeline.start)}</text>
        <text x={width - 8} y={height - 6} textAnchor="end">{dateLabel(timeline.end)}</text>
      </svg>
      <figcaption className="muted">{t('knowledge.timeline.legend')}</figcaption>
    </figure>
  );
}
