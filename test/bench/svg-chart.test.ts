// The benchmarks' SVG line chart: well-formed, with its axes, ticks, series and legend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  escapeXml,
  fittedFontSize,
  formatTick,
  type LineChart,
  linearTicks,
  logTicks,
  renderLineChart,
} from '../../bench/lib/svg-chart.ts';

const chart: LineChart = {
  title: 'Throughput & latency <test>',
  subtitle: '2 x CPU; 2026-01-01',
  xLabel: 'final transfers/s',
  yLabel: 'latency, ms',
  yLog: true,
  series: [
    {
      label: '1 validator, p50',
      color: '#1f77b4',
      points: [
        { x: 250, y: 40 },
        { x: 500, y: 60 },
        { x: 1400, y: 900 },
      ],
    },
    {
      label: '1 validator, p99',
      color: '#1f77b4',
      dashed: true,
      points: [
        { x: 250, y: 120 },
        { x: 500, y: Number.NaN },
        { x: 1400, y: 4000 },
      ],
    },
  ],
};

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

test('renders a well-formed SVG document', () => {
  const svg = renderLineChart(chart);
  assert.equal(XMLValidator.validate(svg), true);
  const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as {
    svg: { '@_xmlns': string; '@_viewBox': string };
  };
  assert.equal(doc.svg['@_xmlns'], 'http://www.w3.org/2000/svg');
  assert.match(doc.svg['@_viewBox'], /^0 0 \d+ \d+$/);
});

test('draws a line per series, skipping points it cannot place', () => {
  const svg = renderLineChart(chart);
  const lines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1]!.split(' '));
  assert.deepEqual(
    lines.map((l) => l.length),
    [3, 2],
  );
  assert.equal((svg.match(/<circle /g) ?? []).length, 5);
  assert.equal((svg.match(/stroke-dasharray/g) ?? []).length, 2); // the p99 line and its legend key
});

test('labels the title, axes, ticks and legend, escaped', () => {
  const labels = texts(renderLineChart(chart));
  assert.ok(labels.includes('Throughput &amp; latency &lt;test&gt;'));
  assert.ok(labels.includes('2 x CPU; 2026-01-01'));
  assert.ok(labels.includes('final transfers/s'));
  assert.ok(labels.includes('latency, ms'));
  assert.ok(labels.includes('1 validator, p50') && labels.includes('1 validator, p99'));
  for (const tick of ['0', '200', '1400', '10', '50', '1000', '10k'])
    assert.ok(labels.includes(tick), tick);
});

test('an empty chart still has its axes', () => {
  const svg = renderLineChart({ ...chart, series: [] });
  assert.equal(XMLValidator.validate(svg), true);
  assert.ok(texts(svg).includes('final transfers/s'));
});

test('linear ticks are round and cover the range', () => {
  assert.deepEqual(linearTicks(0, 1400), [0, 200, 400, 600, 800, 1000, 1200, 1400]);
  assert.deepEqual(linearTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(linearTicks(0, 0), [0, 0.2]);
  assert.deepEqual(linearTicks(0, 7), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('log ticks run 1-2-5 over few decades, decades over many', () => {
  assert.deepEqual(logTicks(40, 4000), [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]);
  assert.deepEqual(logTicks(3, 3e5), [1, 10, 100, 1000, 10000, 100000, 1000000]);
  assert.deepEqual(logTicks(100, 100), [100, 200, 500, 1000]);
  assert.throws(() => logTicks(0, 10), /bad range/);
});

test('shrinks a long title to fit, within limits', () => {
  assert.equal(fittedFontSize('short', 16, 600), 16);
  assert.equal(fittedFontSize('x'.repeat(100), 16, 600), 10);
  assert.equal(fittedFontSize('x'.repeat(1000), 16, 600), 8);
  const svg = renderLineChart({ ...chart, title: 'x'.repeat(100) });
  assert.match(svg, /font-size="11" font-weight="bold"/);
});

test('formats ticks briefly', () => {
  assert.equal(formatTick(1500), '1500');
  assert.equal(formatTick(20000), '20k');
  assert.equal(formatTick(2_500_000), '2.5M');
  assert.equal(formatTick(0.2), '0.2');
  assert.equal(escapeXml(`a<b>&"'`), 'a&lt;b&gt;&amp;&quot;&apos;');
});
