// Peer transport throughput: 512-byte frames from one transport to another over loopback TLS 1.3
// (mutual auth, coalesced writes), for about 3 s. Frames/s and MB/s counted at the receiver.
import { createOrgCa, issueNodeCertificate } from '../src/p2p/pki.ts';
import { createTransport, type Transport } from '../src/p2p/transport.ts';
import type { Report } from './lib/report.ts';

const frameBytes = 512;
const durationMs = 3000;
/** Small enough that the sender feels backpressure; large enough to keep the socket busy. */
const sendQueueBytesMax = 4 * 1024 * 1024;
const chainId = 'tally-bench';

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (!check()) return;
      clearInterval(poll);
      resolve();
    }, 5);
  });
}

function makeTransport(
  nodeId: string,
  keys: { certPem: string; keyPem: string },
  orgCaPems: Record<string, string>,
): Transport {
  return createTransport(
    {
      chainId,
      nodeId,
      ...keys,
      orgCaPems,
      listen: { host: '127.0.0.1', port: 0 },
      isAllowedPeer: () => true,
      sendQueueBytesMax,
      frameBytesMax: 64 * 1024,
    },
    { random: Math.random },
  );
}

export async function benchP2p(report: Report): Promise<void> {
  const ca = createOrgCa({ orgId: 'bench', name: 'Bench CA', validDays: 1 });
  const orgCaPems = { bench: ca.certPem };
  const issue = (nodeId: string) =>
    issueNodeCertificate(ca, { orgId: 'bench', nodeId, hosts: ['127.0.0.1'], validDays: 1 });
  const receiver = makeTransport('n1', issue('n1'), orgCaPems);
  const sender = makeTransport('n2', issue('n2'), orgCaPems);
  let received = 0;
  receiver.onMessage(() => {
    received++;
  });
  const bound = await receiver.start();
  await sender.start();
  sender.addPeer({ nodeId: 'n1', host: '127.0.0.1', port: bound!.port });
  await waitFor(() => sender.peers().length === 1 && receiver.peers().length === 1);

  const payload = new Uint8Array(frameBytes).fill(0x5a);
  let sent = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    while (sender.send('n1', payload)) sent++;
    // Let the socket drain: the queue is full, and the receiver runs on this same thread.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await waitFor(() => received === sent);
  const seconds = (performance.now() - started) / 1000;
  report('p2p 512-byte frames, loopback TLS', received / seconds, 'frames/s');
  report(
    'p2p 512-byte frames, payload throughput',
    (received * frameBytes) / seconds / 1e6,
    'MB/s',
  );
  await Promise.all([sender.close(), receiver.close()]);
}
