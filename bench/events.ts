// The WebSocket event stream (GET /v1/events) over a real API server and LMDB chain: six blocks of
// 2,000 receipts streamed to one subscriber from a cursor, six times; then to eight subscribers at
// once. Reports messages per second and CPU per message; server and client share this process, so
// the CPU figure is the pair's (the eight subscribers only count their messages, so there it is
// mostly the server's). The server serialises each message once for all its streams and keeps the
// texts of the newest blocks, so every run after the first finds them made: the figures are those of
// subscribers that follow blocks someone has already been sent.
import { WebSocket } from 'ws';
import { call, openEvents, signedEventsPath } from '../test/api/client.ts';
import { failingTxs } from '../test/api/fixtures.ts';
import { startApiHarness } from '../test/api/harness.ts';
import { median, type Report } from './lib/report.ts';

const blocks = 6;
const txsPerBlock = 2000;
const postTxs = 500;
const runs = 6;
const subscribers = 8;

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
    const path = signedEventsPath(h.keys.reader, `cursor=${heights[0]! - 1}.0&types=tx`);
    const one = await measureRuns(messages, async () => {
      const client = await openEvents(h.url, path);
      await client.waitFor(messages);
      return () => client.close();
    });
    report('event stream: messages/s to one subscriber (median)', one.rate, 'messages/s');
    report('event stream: CPU per message, server and client (median)', one.cpuUs, 'us');
    const fan = await measureRuns(subscribers * messages, async () => {
      await Promise.all(
        Array.from({ length: subscribers }, () => countMessages(h.url + path, messages)),
      );
      return async () => {};
    });
    report(
      `event stream: messages/s to ${subscribers} subscribers together (median)`,
      fan.rate,
      'messages/s',
    );
    report(
      `event stream: CPU per message per subscriber, ${subscribers} subscribers (median)`,
      fan.cpuUs,
      'us',
    );
  } finally {
    await h.close();
  }
}

/** A subscriber that only counts: resolves once `count` messages came, then closes. */
function countMessages(url: string, count: number): Promise<void> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'));
  let seen = 0;
  return new Promise((resolve, reject) => {
    socket.on('message', () => {
      seen += 1;
      if (seen === count) socket.close();
    });
    socket.once('close', () =>
      seen >= count ? resolve() : reject(new Error(`closed after ${seen} of ${count} messages`)),
    );
    socket.once('error', reject);
  });
}

/**
 * Runs `stream` `runs` times: the median of messages delivered a second and of CPU (this process)
 * per message. What `stream` resolves with (closing its sockets) runs after the measurement.
 */
async function measureRuns(
  delivered: number,
  stream: () => Promise<() => Promise<void>>,
): Promise<{ rate: number; cpuUs: number }> {
  const rates: number[] = [];
  const cpuUs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const close = await stream();
    const spent = process.cpuUsage(cpu);
    rates.push(delivered / ((performance.now() - started) / 1000));
    cpuUs.push((spent.user + spent.system) / delivered);
    await close();
  }
  return { rate: median(rates), cpuUs: median(cpuUs) };
}
