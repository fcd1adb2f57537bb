// A four-validator consortium as real processes: a validator killed with -9 does not stop the chain
// and catches up when it returns; with two of four down the chain stops without forking and resumes
// when one returns; a whole-network restart loses nothing that was final.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, heightOf, metric, TestNetwork, waitHeight } from './harness.ts';

async function blockHash(apiUrl: string, height: number): Promise<string> {
  const { status, body } = await getJson(`${apiUrl}/v1/blocks/${height}`);
  assert.equal(status, 200, `block ${height} at ${apiUrl}`);
  return body.hash as string;
}

/** Every node that answers has the same block hash at each height up to `upTo`. */
async function assertSameChain(urls: readonly string[], upTo: number): Promise<void> {
  for (let h = 1; h <= upTo; h++) {
    const hashes = await Promise.all(urls.map((u) => blockHash(u, h)));
    assert.equal(new Set(hashes).size, 1, `nodes disagree at height ${h}`);
  }
}

describe('a four-validator network under crashes', { timeout: 240_000 }, () => {
  let net: TestNetwork;
  const url = (i: number) => net.nodes[i]!.apiUrl;

  before(async () => {
    net = await TestNetwork.create(4);
    net.startAll();
    await net.waitAllReady(60_000);
  });

  after(async () => {
    await net?.close();
  });

  it('commits blocks with the same hashes on every node', async () => {
    await Promise.all(net.nodes.map((n) => waitHeight(n.apiUrl, 3)));
    await assertSameChain([0, 1, 2, 3].map(url), 3);
  });

  it('goes on when one validator is killed with -9, which catches up after a restart', async () => {
    await net.kill(3);
    const h = await heightOf(url(0));
    await waitHeight(url(0), h + 3);
    net.start(3);
    const target = (await heightOf(url(0))) + 1;
    await Promise.all([0, 1, 2, 3].map((i) => waitHeight(url(i), target, 60_000)));
    await assertSameChain([0, 1, 2, 3].map(url), target);
  });

  it('stops without forking with two of four down, and resumes when one returns', async () => {
    const timeouts = 'tally_consensus_round_timeouts_total';
    const timeoutsBefore = await metric(url(0), timeouts);
    await Promise.all([net.kill(2), net.kill(3)]);
    // Let anything in flight settle, then check the height holds still.
    await new Promise((r) => setTimeout(r, 2000));
    const stalled = await heightOf(url(0));
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok((await heightOf(url(0))) <= stalled + 1, 'no progress without a quorum');
    assert.ok((await heightOf(url(1))) <= stalled + 1, 'no progress without a quorum');
    // The survivors' round timers fire with no quorum to certify anything, and /metrics counts it.
    assert.ok((await metric(url(0), timeouts)) > timeoutsBefore, `${timeouts} rose while stalled`);
    net.start(2);
    await waitHeight(url(0), stalled + 3, 60_000);
    net.start(3);
    const target = await heightOf(url(0));
    await Promise.all([0, 1, 2, 3].map((i) => waitHeight(url(i), target, 60_000)));
    await assertSameChain([0, 1, 2, 3].map(url), target);
  });

  it('loses nothing that was final when the whole network restarts', async () => {
    const before = await heightOf(url(0));
    const hashBefore = await blockHash(url(0), before);
    for (let i = 0; i < 4; i++) assert.equal(await net.stop(i), 0, 'SIGTERM exits 0');
    net.startAll();
    await net.waitAllReady(60_000);
    assert.equal(await blockHash(url(0), before), hashBefore);
    // Every node must have executed the heights compared, not just the one that shows progress.
    await Promise.all([0, 1, 2, 3].map((i) => waitHeight(url(i), before + 3, 60_000)));
    await assertSameChain([0, 1, 2, 3].map(url), before + 3);
  });
});
