// A small SVG line chart of our own (no chart library): points scaled into a fixed view box that
// stretches to the card's width, with the latest value and the maximum as text for screen readers.

export type ChartPoint = { readonly x: number; readonly y: number };

type ChartProps = {
  title: string;
  unit: string;
  points: readonly ChartPoint[];
  /** How a value is written in the caption. */
  format?: (value: number) => string;
};

const width = 320;
const height = 100;
const pad = 4;

export function LineChart({ title, unit, points, format = (v) => v.toFixed(0) }: ChartProps) {
  const last = points[points.length - 1];
  const maxY = Math.max(1, ...points.map((p) => p.y));
  const minX = points[0]?.x ?? 0;
  const spanX = Math.max(1, (last?.x ?? 1) - minX);
  const scaled = points.map((p) => ({
    x: pad + ((p.x - minX) / spanX) * (width - 2 * pad),
    y: height - pad - (p.y / maxY) * (height - 2 * pad),
  }));
  const line = scaled.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const area =
    scaled.length > 1
      ? `${pad},${height - pad} ${line} ${scaled[scaled.length - 1]!.x.toFixed(1)},${height - pad}`
      : '';
  const caption =
    last === undefined
      ? 'no data yet'
      : `latest ${format(last.y)} ${unit}, peak ${format(maxY)} ${unit}`;
  return (
    <figure className="chart">
      <figcaption>
        <strong>{title}</strong> <span className="muted">{caption}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title}: ${caption}`}
      >
        <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} className="axis" />
        {area !== '' && <polygon points={area} className="area" />}
        {scaled.length > 1 && <polyline points={line} className="line" />}
        {scaled.length === 1 && (
          <circle cx={scaled[0]!.x} cy={scaled[0]!.y} r={3} className="dot" />
        )}
      </svg>
    </figure>
  );
}
