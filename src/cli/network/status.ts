// `tally network status`: one row per node with its pid, whether it runs and answers, its height and
// its peer count (GET /v1/status), as a plain-text table.
import { loadNetwork } from './network.ts';
import { probeStatus } from './probe.ts';
import { runningPid } from './processes.ts';

export type StatusRow = {
  readonly node: string;
  readonly kind: string;
  readonly pid: string;
  readonly state: string;
  readonly height: string;
  readonly peers: string;
  readonly api: string;
};

const columns: readonly (keyof StatusRow)[] = [
  'node',
  'kind',
  'pid',
  'state',
  'height',
  'peers',
  'api',
];

export async function collectStatus(dir: string): Promise<StatusRow[]> {
  const network = loadNetwork(dir);
  return Promise.all(
    network.nodes.map(async (node): Promise<StatusRow> => {
      const pid = runningPid(node);
      const probe = await probeStatus(node);
      const state = probe.ready
        ? 'ready'
        : probe.answering
          ? 'starting'
          : pid === undefined
            ? 'stopped'
            : 'not answering';
      return {
        node: node.nodeId,
        kind: node.kind,
        pid: pid === undefined ? '-' : String(pid),
        state,
        height: probe.height === undefined ? '-' : String(probe.height),
        peers: probe.peers === undefined ? '-' : String(probe.peers),
        api: node.apiUrl,
      };
    }),
  );
}

/** Left-aligned columns, two spaces apart, with an upper-case header row. */
export function renderTable(rows: readonly StatusRow[]): string {
  const header = Object.fromEntries(columns.map((c) => [c, c.toUpperCase()])) as StatusRow;
  const all = [header, ...rows];
  const widths = columns.map((c) => Math.max(...all.map((row) => row[c].length)));
  return all
    .map((row) =>
      columns
        .map((c, i) => row[c].padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
