import { linearScale } from './chart-scale';

export interface TrendPoint {
  key: string;
  value: number;
}

const width = 520;
const height = 170;
const left = 36;
const bottom = 24;

/** A line of one measure over time (days or weeks, in the order given), with a dot per point. */
export function TrendChart({ points, title, onSelect }: { points: readonly TrendPoint[]; title: string; onSelect?: (point: TrendPoint) => void }) {
  const y = linearScale(points.map((point) => point.value), [height - bottom, 8], 4);
  const step = points.length > 1 ? (width - left - 12) / (points.length - 1) : 0;
  const x = (index: number) => left + index * step;
  const path = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  return (
    <svg className="chart" role="img" aria-label={title} viewBox={`0 0 ${width} ${height}`} width="100%">
      {y.ticks.map((tick) => (
        <g key={tick}>
          <line x1={left} x2={width - 8} y1={y(tick)} y2={y(tick)} stroke="#d0d7de" />
          <text x={left - 4} y={y(tick) + 4} textAnchor="end">
            {tick}
          </text>
        </g>
      ))}
      <path d={path} fill="none" stroke="#0a5bb5" strokeWidth={2} />
      {points.map((point, index) => (
        <g key={point.key}>
          <circle
            className="bar"
            cx={x(index)}
            cy={y(point.value)}
            r={4}
            tabIndex={onSelect ? 0 : undefined}
            aria-label={`${point.key}: ${point.value}`}
            onClick={() => onSelect?.(point)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') onSelect?.(point);
            }}
          >
            <title>{`${point.key}: ${point.value}`}</title>
          </circle>
          {index % labelEvery === 0 && (
            <text x={x(index)} y={height - 6} textAnchor="middle">
              {point.key.slice(5, 10)}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
