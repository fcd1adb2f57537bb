// Page 1, the network at a glance: organisations and their nodes, each node's /v1/status (validator
// health), the height, throughput and block latency charts, and recent blocks, all live.
import { useEffect, useState } from 'react';
import { createClient, type GetStatusReturnType, getStatus } from '../../../src/sdk/index.ts';
import { LineChart } from '../components/chart.tsx';
import { Badge, Card, Hex, Notice } from '../components/common.tsx';
import { formatTime } from '../lib/format.ts';
import { type LiveBlock, useLive } from '../lib/live.tsx';
import type { NetworkNode } from '../lib/network.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';

const statusPollMs = 2000;
/** A validator this many blocks behind the highest one is shown as behind. */
const behindBlocksMax = 5;

type NodeHealth = { status?: GetStatusReturnType; error?: string };

function useNodeHealth(nodes: readonly NetworkNode[]): Map<string, NodeHealth> {
  const [health, setHealth] = useState(new Map<string, NodeHealth>());
  const urls = nodes.map((n) => `${n.nodeId}=${n.apiUrl}`).join(' ');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the node list is keyed by its URLs
  useEffect(() => {
    let cancelled = false;
    const poll = async () => {
      const entries = await Promise.all(
        nodes.map(async (n): Promise<[string, NodeHealth]> => {
          try {
            return [n.nodeId, { status: await getStatus(createClient({ url: n.apiUrl })) }];
          } catch (error) {
            return [n.nodeId, { error: (error as Error).message }];
          }
        }),
      );
      if (!cancelled) setHealth(new Map(entries));
    };
    void poll();
    const timer = setInterval(poll, statusPollMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [urls]);
  return health;
}

/** Transactions a second between consecutive blocks, by block time. */
function throughput(blocks: readonly LiveBlock[]) {
  return blocks.slice(1).map((b, i) => {
    const spanMs = Math.max(1, b.timeMs - blocks[i]!.timeMs);
    return { x: b.height, y: (b.txCount * 1000) / spanMs };
  });
}

/** Block time to the executed block reaching this browser: finality plus execution plus delivery. */
function latency(blocks: readonly LiveBlock[]) {
  return blocks
    .filter((b) => b.seenAtMs !== undefined)
    .map((b) => ({ x: b.height, y: Math.max(0, b.seenAtMs! - b.timeMs) }));
}

function healthOf(node: NetworkNode, h: NodeHealth | undefined, top: number): string {
  if (h === undefined) return 'checking';
  if (h.status === undefined) return 'unreachable';
  if (h.status.syncing) return 'syncing';
  if (node.kind === 'validator' && top - h.status.executedHeight > behindBlocksMax) return 'behind';
  return 'healthy';
}

function NodesTable({ nodes }: { nodes: readonly NetworkNode[] }) {
  const health = useNodeHealth(nodes);
  const top = Math.max(0, ...[...health.values()].map((h) => h.status?.executedHeight ?? 0));
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">Nodes, their roles and health</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Organisation</th>
            <th scope="col">Role</th>
            <th scope="col">Health</th>
            <th scope="col">Height</th>
            <th scope="col">Peers</th>
            <th scope="col">Mempool</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => {
            const h = health.get(n.nodeId);
            return (
              <tr key={n.nodeId} data-testid={`node-${n.nodeId}`}>
                <td>{n.nodeId}</td>
                <td>{n.orgId}</td>
                <td>{n.kind}</td>
                <td>
                  <Badge status={healthOf(n, h, top)} />
                </td>
                <td>{h?.status?.executedHeight ?? '–'}</td>
                <td>{h?.status?.peers.length ?? '–'}</td>
                <td>{h?.status === undefined ? '–' : `${h.status.mempool.txs} txs`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function OverviewPage() {
  const { network, notice } = useSession();
  const live = useLive();
  const latest = live.blocks[live.blocks.length - 1];
  return (
    <>
      <h1>Network overview</h1>
      {notice !== '' && <Notice>{notice}</Notice>}
      <div className="stats" aria-live="polite">
        <div>
          <span className="label">Chain</span>
          <strong>{network?.chainId ?? '…'}</strong>
        </div>
        <div>
          <span className="label">Height</span>
          <strong data-testid="height">{latest?.height ?? '…'}</strong>
        </div>
        <div>
          <span className="label">Validators</span>
          <strong>{network?.validatorSet.validators.length ?? '…'}</strong>
        </div>
        <div>
          <span className="label">Live feed</span>
          <strong>{live.connected ? `${live.mode}: connected` : 'connecting…'}</strong>
        </div>
      </div>
      <div className="grid two">
        <Card title="Throughput">
          <LineChart
            title="Transactions per second"
            unit="tx/s"
            points={throughput(live.blocks)}
            format={(v) => v.toFixed(1)}
          />
        </Card>
        <Card title="Finality latency">
          <LineChart title="Block time to executed event" unit="ms" points={latency(live.blocks)} />
        </Card>
      </div>
      {network !== undefined && (
        <Card title="Organisations">
          <ul className="orgs">
            {network.orgs.map((o) => (
              <li key={o.id} data-testid={`org-${o.id}`}>
                <strong>{o.name}</strong> <code>{o.id}</code>
                {o.country !== undefined && <span className="muted"> · {o.country}</span>}
                <div className="roles">
                  {o.roles.map((r) => (
                    <span key={r} className="role">
                      {r}
                    </span>
                  ))}
                </div>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {network !== undefined && (
        <Card title="Nodes and validator health">
          <NodesTable nodes={network.nodes} />
        </Card>
      )}
      <Card title="Recent blocks">
        <RecentBlocks blocks={live.blocks} />
      </Card>
    </>
  );
}

export function RecentBlocks({ blocks }: { blocks: readonly LiveBlock[] }) {
  const recent = [...blocks].reverse().slice(0, 10);
  if (recent.length === 0) return <p className="muted">Waiting for blocks…</p>;
  return (
    <ol className="blocks" aria-label="Recent blocks, newest first">
      {recent.map((b) => (
        <li key={b.height}>
          <Link to={`/explorer/block/${b.height}`}>Block {b.height}</Link> <Hex value={b.hash} />{' '}
          <span className="muted">
            {b.txCount} tx · {formatTime(b.timeMs)}
          </span>
        </li>
      ))}
    </ol>
  );
}
