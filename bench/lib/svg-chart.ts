// A small line chart written as SVG 1.1 text (axes, grid, ticks, labels, legend, title), for the
// benchmarks' throughput-latency curves. Self-contained: no scripts, no external fonts or styles, a
// white background, so it reads the same in a browser and on GitHub (light or dark theme).

export type ChartPoint = { readonly x: number; readonly y: number };
export type ChartSeries = {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly ChartPoint[];
};
export type LineChart = {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Logarithmic y axis (latencies spread over decades); x stays linear from 0. */
  readonly yLog?: boolean;
  readonly series: readonly ChartSeries[];
};

const width = 760;
const height = 460;
const margin = { left: 74, right: 200, top: 64, bottom: 56 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;
const tickCountTarget = 6;
const decadesLabelledAt125Max = 3;

/** Escapes text for an SVG text node or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A round step (1, 2 or 5 times a power of ten) that cuts `span` into about `count` parts. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / power;
  // Nearest of 1, 2, 5, 10 (Heckbert's thresholds), so the tick count stays near `count`.
  const nice = mantissa < 1.5 ? 1 : mantissa < 3 ? 2 : mantissa < 7 ? 5 : 10;
  return nice * power;
}

/** Round, evenly spaced ticks covering [min, max]; the first is <= min and the last >= max. */
export function linearTicks(min: number, max: number, count = tickCountTarget): number[] {
  if (!(max >= min)) throw new RangeError(`linearTicks: max ${max} below min ${min}`);
  const span = max > min ? max - min : Math.abs(max) || 1;
  const step = niceStep(span, count);
  const first = Math.floor(min / step);
  const last = Math.max(Math.ceil(max / step), first + 1);
  const ticks: number[] = [];
  // Multiplying instead of summing keeps 0.1 + 0.2 drift out of the labels.
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/**
 * Ticks of a log axis covering [min, max] (both > 0): every 1, 2 and 5 of each decade when the
 * range spans few decades, powers of ten only when it spans many. The ends are whole decades.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) throw new RangeError(`logTicks: bad range [${min}, ${max}]`);
  const low = Math.floor(Math.log10(min));
  const high = Math.max(Math.ceil(Math.log10(max)), low + 1);
  const mantissas = high - low <= decadesLabelledAt125Max ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = low; e < high; e++)
    for (const m of mantissas) ticks.push(Number((m * 10 ** e).toPrecision(12)));
  ticks.push(Number((10 ** high).toPrecision(12)));
  return ticks;
}

/** 1500 -> "1.5k", 2000000 -> "2M", 0.5 -> "0.5". */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(4)));
}

type Scale = { map(v: number): number; ticks: number[] };

function xScale(series: readonly ChartSeries[]): Scale {
  const xs = series.flatMap((s) => s.points.map((p) => p.x)).filter(Number.isFinite);
  const ticks = linearTicks(0, Math.max(0, ...xs));
  const max = ticks[ticks.length - 1]!;
  return { ticks, map: (v) => margin.left + (v / max) * plotWidth };
}

function yScale(series: readonly ChartSeries[], log: boolean): Scale {
  const ys = series
    .flatMap((s) => s.points.map((p) => p.y))
    .filter((y) => Number.isFinite(y) && (!log || y > 0));
  if (log) {
    const ticks = logTicks(
      ys.length > 0 ? Math.min(...ys) : 1,
      ys.length > 0 ? Math.max(...ys) : 10,
    );
    const low = Math.log10(ticks[0]!);
    const high = Math.log10(ticks[ticks.length - 1]!);
    const map = (v: number) =>
      margin.top + plotHeight - ((Math.log10(v) - low) / (high - low)) * plotHeight;
    return { ticks, map };
  }
  const ticks = linearTicks(0, Math.max(0, ...ys));
  const max = ticks[ticks.length - 1]!;
  return { ticks, map: (v) => margin.top + plotHeight - (v / max) * plotHeight };
}

const round = (v: number) => Number(v.toFixed(1));

/** Bold sans-serif glyphs average about this share of the font size in width. */
const glyphWidthEm = 0.6;

/** The font size, at most `sizeMax`, at which `text` fits in `widthPx` (estimated: no layout here). */
export function fittedFontSize(text: string, sizeMax: number, widthPx: number): number {
  const fit = widthPx / (glyphWidthEm * Math.max(1, text.length));
  return Math.max(8, Math.min(sizeMax, Math.floor(fit)));
}

function axes(chart: LineChart, x: Scale, y: Scale): string[] {
  const left = margin.left;
  const bottom = margin.top + plotHeight;
  const out: string[] = ['<g class="axes" font-size="11" fill="#333">'];
  for (const t of x.ticks) {
    const px = round(x.map(t));
    out.push(
      `<line x1="${px}" y1="${margin.top}" x2="${px}" y2="${bottom}" stroke="#e5e5e5"/>`,
      `<line x1="${px}" y1="${bottom}" x2="${px}" y2="${bottom + 5}" stroke="#333"/>`,
      `<text x="${px}" y="${bottom + 18}" text-anchor="middle">${formatTick(t)}</text>`,
    );
  }
  for (const t of y.ticks) {
    const py = round(y.map(t));
    out.push(
      `<line x1="${left}" y1="${py}" x2="${left + plotWidth}" y2="${py}" stroke="#e5e5e5"/>`,
      `<line x1="${left - 5}" y1="${py}" x2="${left}" y2="${py}" stroke="#333"/>`,
      `<text x="${left - 8}" y="${py + 4}" text-anchor="end">${formatTick(t)}</text>`,
    );
  }
  out.push(
    `<line x1="${left}" y1="${bottom}" x2="${left + plotWidth}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${margin.top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${left + plotWidth / 2}" y="${height - 14}" text-anchor="middle" font-size="12">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(chart.yLabel)}</text>`,
    '</g>',
  );
  return out;
}

function lines(series: readonly ChartSeries[], x: Scale, y: Scale, log: boolean): string[] {
  const out: string[] = [];
  for (const s of series) {
    const shown = s.points.filter(
      (p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!log || p.y > 0),
    );
    const coords = shown.map((p) => `${round(x.map(p.x))},${round(y.map(p.y))}`);
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    out.push(`<g class="series" stroke="${escapeXml(s.color)}" fill="${escapeXml(s.color)}">`);
    out.push(`<polyline points="${coords.join(' ')}" fill="none" stroke-width="2"${dash}/>`);
    shown.forEach((p, i) => {
      const [cx, cy] = coords[i]!.split(',');
      const tip = `${s.label}: ${formatTick(p.x)}, ${formatTick(p.y)}`;
      out.push(`<circle cx="${cx}" cy="${cy}" r="3"><title>${escapeXml(tip)}</title></circle>`);
    });
    out.push('</g>');
  }
  return out;
}

function legend(series: readonly ChartSeries[]): string[] {
  const left = margin.left + plotWidth + 16;
  const out: string[] = ['<g class="legend" font-size="12" fill="#333">'];
  series.forEach((s, i) => {
    const y = margin.top + 8 + i * 20;
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<line x1="${left}" y1="${y}" x2="${left + 28}" y2="${y}" stroke="${escapeXml(s.color)}" stroke-width="2"${dash}/>`,
      `<text x="${left + 36}" y="${y + 4}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push('</g>');
  return out;
}

/** The chart as a standalone SVG document. */
export function renderLineChart(chart: LineChart): string {
  const log = chart.yLog === true;
  const x = xScale(chart.series);
  const y = yScale(chart.series, log);
  const textWidth = width - margin.left - 16;
  const subtitle =
    chart.subtitle === undefined
      ? ''
      : `<text x="${margin.left}" y="44" font-size="${fittedFontSize(chart.subtitle, 12, textWidth)}" fill="#555">${escapeXml(chart.subtitle)}</text>`;
  const titleSize = fittedFontSize(chart.title, 16, textWidth);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="24" font-size="${titleSize}" font-weight="bold" fill="#111">${escapeXml(chart.title)}</text>`,
    subtitle,
    ...axes(chart, x, y),
    ...lines(chart.series, x, y, log),
    ...legend(chart.series),
    '</svg>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
