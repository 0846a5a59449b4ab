import { bandScale, linearScale } from './chart-scale';

export interface BarDatum {
  key: string;
  label: string;
  value: number;
  /** The same measure in the previous period, drawn as a thinner bar beside it. */
  previous?: number;
}

const width = 520;
const labelWidth = 150;
const rowHeight = 26;

/** Horizontal bars (long Chinese labels read better across), keyboard-focusable; choosing one drills down. */
export function BarChart({ data, title, valueLabel, previousLabel, onSelect }: { data: readonly BarDatum[]; title: string; valueLabel: string; previousLabel?: string; onSelect?: (datum: BarDatum) => void }) {
  const height = data.length * rowHeight + 28;
  const x = linearScale(data.flatMap((datum) => [datum.value, datum.previous ?? 0]), [labelWidth, width - 12]);
  const y = bandScale(data.length, [4, height - 24], 0.25);
  const choose = (datum: BarDatum) => onSelect?.(datum);
  return (
    <figure className="chart-figure">
      <svg className="chart" role="img" aria-label={title} viewBox={`0 0 ${width} ${height}`} width="100%">
        {x.ticks.map((tick) => (
          <g key={tick}>
            <line x1={x(tick)} x2={x(tick)} y1={2} y2={height - 22} stroke="#d0d7de" />
            <text x={x(tick)} y={height - 8} textAnchor="middle">
              {tick}
            </text>
          </g>
        ))}
        {data.map((datum, index) => {
          const top = y.start(index);
          const hasPrevious = datum.previous !== undefined;
          const barHeight = hasPrevious ? y.width * 0.62 : y.width;
          return (
            <g key={datum.key} data-key={datum.key}>
              <text x={labelWidth - 6} y={top + y.width / 2 + 4} textAnchor="end">
                {datum.label.length > 14 ? `${datum.label.slice(0, 13)}…` : datum.label}
              </text>
              <rect
                className="bar"
                x={x(0)}
                y={top}
                width={Math.max(1, x(datum.value) - x(0))}
                height={barHeight}
                tabIndex={onSelect ? 0 : undefined}
                role={onSelect ? 'button' : undefined}
                aria-label={`${datum.label}: ${valueLabel} ${datum.value}${hasPrevious && previousLabel ? `, ${previousLabel} ${datum.previous}` : ''}`}
                onClick={() => choose(datum)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' || event.key === ' ') {
                    event.preventDefault();
                    choose(datum);
                  }
                }}
              >
                <title>{`${datum.label}: ${datum.value}`}</title>
              </rect>
              {hasPrevious && <rect className="bar previous" x={x(0)} y={top + barHeight} width={Math.max(1, x(datum.previous ?? 0) - x(0))} height={y.width - barHeight} aria-hidden="true" />}
              <text x={x(datum.value) + 4} y={top + barHeight / 2 + 4}>
                {datum.value}
              </text>
            </g>
          );
        })}
      </svg>
      {previousLabel && (
        <figcaption className="muted">
          ■ {valueLabel} · <span style={{ color: '#9fb8d6' }}>■</span> {previousLabel}
        </figcaption>
      )}
    </figure>
  );
}
