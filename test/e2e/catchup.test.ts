// Catching up on real processes (four validators on loopback): a validator stopped while the others
// commit far past consensus's sync window fetches the blocks from a peer's store when it returns
// (not ready meanwhile); a node with pruning drops its old blocks while the chain goes on; a node whose
// data is wiped restores the state from a certified snapshot and then follows the chain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  accountFromSecretKey,
  type BankCall,
  buildTransaction,
  type Client,
  createAccount,
  createBankId,
  createClient,
  getBalance,
  issue,
  registerCurrency,
  signTransaction,
  submitTransactions,
  waitForTransaction,
} from '../../src/sdk/index.ts';
import { eventually, getJson, heightOf, metric, TestNetwork, waitHeight } from './harness.ts';

/** Blocks the others commit while a validator is down: well past consensus's 64-block window. */
const missedBlocks = 72;
const pruneKeepBlocks = 100;
const prunedNode = 2;
/** The returning validator keeps every block but only this many state versions. */
const pruneKeepStates = 100;
const stoppedNode = 3;
const wipedNode = 1;

async function blockHash(apiUrl: string, height: number): Promise<string> {
  const { status, body } = await getJson(`${apiUrl}/v1/blocks/${height}`);
  assert.equal(status, 200, `block ${height} at ${apiUrl}`);
  return body.hash as string;
}

async function assertSameBlocks(a: string, b: string, from: number, to: number): Promise<void> {
  for (let h = from; h <= to; h++)
    assert.equal(await blockHash(a, h), await blockHash(b, h), `block ${h} differs`);
}

async function retained(apiUrl: string): Promise<{ blocksFrom: number; stateFrom: number }> {
  const { status, body } = await getJson(`${apiUrl}/v1/status`);
  assert.equal(status, 200);
  return body.retained as { blocksFrom: number; stateFrom: number };
}

describe('catching up with the network', { timeout: 180_000 }, () => {
  let net: TestNetwork;
  const url = (i: number) => net.nodes[i]!.apiUrl;
  const alice = createBankId();
  const clientOf = (i: number): Client =>
    createClient({
      url: url(i),
      // hk-wallet (the first organisation) holds the issuer role.
      account: accountFromSecretKey('ed25519', net.clientKey(0).secretKey),
      WebSocket,
      chainId: net.genesis.chainId,
    });

  /** Makes `calls` final, in order, through node 0: state for the blocks and snapshots to carry. */
  async function finalize(calls: BankCall[]): Promise<void> {
    const client = clientOf(0);
    for (const call of calls) {
      const tx = signTransaction(
        client.account!,
        buildTransaction({ chainId: net.genesis.chainId, ...call }),
      );
      const { results } = await submitTransactions(client, { transactions: [tx] });
      assert.equal(results[0]!.status, 'admitted', results[0]!.message);
      const receipt = await waitForTransaction(client, { txId: tx.txId, timeoutMs: 30_000 });
      assert.equal(receipt.code, 'ok');
    }
  }

  /** Merges `patch` into a node's config file (read again when the node starts). */
  before(async () => {
    net = await TestNetwork.create(4, {
      consensus: { emptyBlockDelayMs: 20, roundTimeoutMs: 150 },
    });
    net.amendConfig(prunedNode, { prune: { keepBlocks: pruneKeepBlocks } });
    net.amendConfig(stoppedNode, { prune: { keepStates: pruneKeepStates } });
    net.startAll();
    await net.waitAllReady(60_000);
  });

  after(async () => {
    await net?.close();
  });

  it('a validator back after missing many blocks syncs them from a peer, not ready until then', async () => {
    assert.equal(await net.stop(stoppedNode), 0);
    const left = await heightOf(url(0));
    await finalize([
      registerCurrency({ code: 'HKD', decimals: 2, issuerAccountId: createBankId() }),
      createAccount({ id: alice, currency: 'HKD' }),
      issue({ id: createBankId(), accountId: alice, amount: 12_345n, currency: 'HKD' }),
    ]);
    await waitHeight(url(0), left + missedBlocks, 60_000);
    net.start(stoppedNode);
    const target = await heightOf(url(0));
    // Every readiness answer carries the executed height: a ready one must come after the sync (a
    // node that said ready at its old height would sit about missedBlocks short). Whether a poll
    // lands while the sync runs is up to timing (the API may open after a quick sync), so the
    // sync itself is seen in the node's log.
    const readyAt: number[] = [];
    await eventually(
      async () => {
        const res = await fetch(`${url(stoppedNode)}/ready`);
        const body = (await res.json()) as { height: number };
        if (res.status === 200) readyAt.push(body.height);
        return res.status === 200 && body.height >= target ? true : undefined;
      },
      60_000,
      'the returning validator to catch up and be ready',
    );
    assert.ok(
      readyAt.every((height) => height >= left + missedBlocks / 2),
      `ready at heights ${readyAt.join(', ')}; left at ${left}`,
    );
    const synced = await eventually(
      async () => {
        // The last lines: the node's first run shares the file.
        const lines = net.logOf(stoppedNode).split('\n').reverse();
        const start = lines.find((l) => l.includes('"msg":"syncing blocks"'));
        const done = lines.find((l) => l.includes('"msg":"block sync done"'));
        return start === undefined || done === undefined
          ? undefined
          : (JSON.parse(start) as { height: number }).height;
      },
      10_000,
      'the block sync lines in the log',
    );
    assert.ok(synced < left + missedBlocks / 2, `synced from ${synced}; left at ${left}`);
    assert.ok((await metric(url(stoppedNode), 'tally_sync_blocks_fetched_total')) >= 64);
    await assertSameBlocks(url(0), url(stoppedNode), Math.max(1, left - 2), target);
    // And it follows the chain from there, through consensus.
    await waitHeight(url(stoppedNode), (await heightOf(url(0))) + 3, 30_000);
  });

  it('a node with pruning drops old blocks while the chain goes on', async () => {
    await eventually(
      async () =>
        (await fetch(`${url(prunedNode)}/v1/blocks/1`)).status === 404 ? true : undefined,
      60_000,
      'block 1 to be pruned',
    );
    assert.equal((await fetch(`${url(0)}/v1/blocks/1`)).status, 200, 'kept where not pruned');
    assert.ok((await metric(url(prunedNode), 'tally_pruned_blocks_total')) > 0);
    const height = await heightOf(url(prunedNode));
    await waitHeight(url(prunedNode), height + 5, 30_000);
    assert.equal(await blockHash(url(prunedNode), height), await blockHash(url(0), height));
    const pruned = await retained(url(prunedNode));
    assert.ok(
      pruned.blocksFrom > 1 && pruned.stateFrom >= pruned.blocksFrom,
      JSON.stringify(pruned),
    );
  });

  it('a node with a state window alone keeps every block and drops old state versions', async () => {
    const full = await retained(url(0));
    const kept = await eventually(
      async () => {
        const r = await retained(url(stoppedNode));
        return r.stateFrom > full.stateFrom ? r : undefined;
      },
      60_000,
      'old state versions to be pruned',
    );
    assert.equal(kept.blocksFrom, full.blocksFrom, 'every block kept');
    assert.equal(await blockHash(url(stoppedNode), 1), await blockHash(url(0), 1));
    assert.ok(kept.stateFrom >= (await heightOf(url(stoppedNode))) - pruneKeepStates - 64);
  });

  it('a wiped node restores the state from a snapshot and follows the chain', async () => {
    assert.equal(await net.stop(wipedNode), 0);
    net.wipe(wipedNode);
    net.amendConfig(wipedNode, { stateSync: { enabled: true } });
    net.start(wipedNode);
    await net.waitReady(wipedNode, 60_000);
    const restored = await eventually(
      async () => {
        const line = net
          .logOf(wipedNode)
          .split('\n')
          .find((l) => l.includes('"msg":"state restored"'));
        return line === undefined ? undefined : (JSON.parse(line) as { height: number }).height;
      },
      10_000,
      'the state restored line in the log',
    );
    assert.ok(restored > missedBlocks, `restored at ${restored}, not replayed from genesis`);
    const chunks = net.logOf(wipedNode).match(/"chunks":(\d+),"msg":"state restored"/);
    assert.ok(Number(chunks?.[1]) >= 1, 'the state came in chunks');
    assert.equal((await fetch(`${url(wipedNode)}/v1/blocks/${restored - 1}`)).status, 404);
    const target = await heightOf(url(0));
    await waitHeight(url(wipedNode), target, 60_000);
    await assertSameBlocks(url(0), url(wipedNode), restored, target);

    // Its state root at a height equals the root the others certified for that height.
    const { body } = await getJson(`${url(wipedNode)}/v1/status`);
    const executed = body.executedHeight as number;
    await waitHeight(url(0), executed + 8, 30_000);
    const certified = await eventually(
      async () => {
        for (let h = executed + 1; h <= executed + 8; h++) {
          const block = (await getJson(`${url(0)}/v1/blocks/${h}`)).body;
          const header = block.header as { stateHeight: number; stateRoot: string };
          if (header.stateHeight === executed) return header.stateRoot;
        }
        return undefined;
      },
      10_000,
      `a header certifying the state of ${executed}`,
    );
    assert.equal(body.stateRoot, certified);
    assert.deepEqual(
      await getBalance(clientOf(wipedNode), { accountId: alice }),
      await getBalance(clientOf(0), { accountId: alice }),
    );
  });
});
