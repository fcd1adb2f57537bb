// The WebSocket event stream (GET /v1/events) over a real API server and LMDB chain: six blocks of
// 2,000 receipts streamed to one subscriber from a cursor, six times. Reports messages per second and
// CPU per message; server and client share this process, so the CPU figure is the pair's.
import { call, openEvents, signedEventsPath } from '../test/api/client.ts';
import { failingTxs } from '../test/api/fixtures.ts';
import { startApiHarness } from '../test/api/harness.ts';
import { median, type Report } from './lib/report.ts';

const blocks = 6;
const txsPerBlock = 2000;
const postTxs = 500;
const runs = 6;

export async function benchEvents(report: Report): Promise<void> {
  const h = await startApiHarness({ mempoolTxsMax: txsPerBlock });
  try {
    const heights: number[] = [];
    for (let b = 0; b < blocks; b++) {
      const txs = failingTxs(h, txsPerBlock, BigInt(b * txsPerBlock));
      for (let i = 0; i < txs.length; i += postTxs) {
        const res = await call(h.url, h.keys.submitter, 'POST', '/v1/txs', {
          txs: txs.slice(i, i + postTxs),
        });
        if (res.status !== 200) throw new Error(`bench events: POST /v1/txs gave ${res.status}`);
      }
      heights.push(await h.commitPending());
    }
    const messages = blocks * (txsPerBlock + 1);
    const rates: number[] = [];
    const cpuPerMessage: number[] = [];
    for (let r = 0; r < runs; r++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const path = signedEventsPath(h.keys.reader, `cursor=${heights[0]! - 1}.0&types=tx`);
      const client = await openEvents(h.url, path);
      await client.waitFor(messages);
      const spent = process.cpuUsage(cpu);
      rates.push(messages / ((performance.now() - started) / 1000));
      cpuPerMessage.push((spent.user + spent.system) / messages);
      await client.close();
    }
    report('event stream: messages/s to one subscriber (median)', median(rates), 'messages/s');
    report(
      'event stream: CPU per message, server and client (median)',
      median(cpuPerMessage),
      'us',
    );
  } finally {
    await h.close();
  }
}
