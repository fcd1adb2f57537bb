// The EVM peer: its signed transfers (decoded back with viem), its open-loop schedule, and a real
// Hardhat node started as a separate process, mining a few transfers and refusing a bad config.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTransaction, recoverTransactionAddress, type TransactionSerialized } from 'viem';
import { dueCount } from '../../bench/lib/load-ladder.ts';
import { runEvmRung, scheduledAtMs } from '../../bench/peers/evm-load.ts';
import {
  createSenders,
  senderKey,
  signTransfers,
  transferParties,
} from '../../bench/peers/evm-transfers.ts';
import {
  evmChainId,
  hardhatConfigSource,
  startHardhatNode,
} from '../../bench/peers/hardhat-node.ts';
import { envIntegers } from '../../bench/peers/index.ts';
import { rpcCall } from '../../bench/peers/json-rpc.ts';
import { TallyError } from '../../src/util/errors.ts';

test('sender keys are fixed per index and distinct', () => {
  assert.equal(senderKey(7), senderKey(7));
  assert.notEqual(senderKey(7), senderKey(8));
  assert.match(senderKey(0), /^0x[0-9a-f]{64}$/);
});

test('transfers go round-robin over the senders, each paying the next', () => {
  const parties = [0, 1, 2, 3].map((i) => transferParties(i, 3));
  assert.deepEqual(parties, [
    { sender: 0, to: 1 },
    { sender: 1, to: 2 },
    { sender: 2, to: 0 },
    { sender: 0, to: 1 },
  ]);
});

test('signs EIP-1559 transfers of 1 wei, each run from sender 0, nonces carried over', async () => {
  const senders = createSenders(2);
  const first = await signTransfers(senders, 3);
  const more = await signTransfers(senders, 1);
  const decoded = [...first, ...more].map((t) => parseTransaction(t.raw));
  assert.deepEqual(
    decoded.map((d) => [d.type, d.chainId, d.nonce, d.value]),
    [
      ['eip1559', evmChainId, 0, 1n],
      ['eip1559', evmChainId, 0, 1n],
      ['eip1559', evmChainId, 1, 1n],
      ['eip1559', evmChainId, 2, 1n],
    ],
  );
  // viem types a serialized transaction by its kind; the hex string is the same bytes.
  const serializedTransaction = first[1]!.raw as TransactionSerialized;
  const from = await recoverTransactionAddress({ serializedTransaction });
  assert.equal(from, senders.accounts[1]!.address);
  assert.equal(decoded[1]!.to, senders.accounts[0]!.address.toLowerCase());
  assert.deepEqual(senders.nonces, [3, 1]);
});

test('a transfer is scheduled at the moment the open-loop schedule makes it due', () => {
  for (const [rate, index] of [
    [100, 0],
    [100, 41],
    [333, 1000],
  ] as const) {
    const at = scheduledAtMs(1000, index, rate);
    assert.equal(dueCount(at - 1000 + 1e-6, rate, 10_000), index + 1);
    assert.equal(dueCount(at - 1000 - 1e-3, rate, 10_000), index);
  }
});

test('the Hardhat config funds each sender and turns request logging off', () => {
  const senders = createSenders(2);
  const source = hardhatConfigSource(senders.funded);
  const config = JSON.parse(source.replace(/^module\.exports = /, '').replace(/;\n$/, ''));
  assert.equal(config.networks.hardhat.loggingEnabled, false);
  assert.equal(config.networks.hardhat.chainId, evmChainId);
  assert.deepEqual(config.networks.hardhat.accounts[1], {
    privateKey: senderKey(1),
    balance: (10n ** 24n).toString(),
  });
});

test('reads client counts from the environment', () => {
  process.env.TALLY_TEST_PEERS_LIST = '1, 8,32';
  assert.deepEqual(envIntegers('TALLY_TEST_PEERS_LIST', [4]), [1, 8, 32]);
  process.env.TALLY_TEST_PEERS_LIST = '8,x';
  assert.throws(() => envIntegers('TALLY_TEST_PEERS_LIST', [4]), RangeError);
  delete process.env.TALLY_TEST_PEERS_LIST;
  assert.deepEqual(envIntegers('TALLY_TEST_PEERS_LIST', [4]), [4]);
});

test('a real Hardhat node mines every transfer sent open-loop, and stops on close', async () => {
  const senders = createSenders(3);
  const node = await startHardhatNode(senders.funded);
  try {
    const txs = await signTransfers(senders, 12);
    const rung = await runEvmRung(node, txs, 40, 3);
    assert.equal(rung.mined, 12);
    assert.equal(rung.unsent, 0);
    assert.equal(rung.errors.size, 0);
    assert.equal(rung.latency.count, 12);
    assert.equal(await rpcCall(node.url, 'eth_blockNumber', []), '0xc');
  } finally {
    await node.close();
  }
  await assert.rejects(rpcCall(node.url, 'eth_blockNumber', []));
});

test('error: a Hardhat node that cannot start is a coded error carrying its output', async () => {
  const bad = [{ privateKey: '0x1234' as const, balanceWei: 1n }];
  await assert.rejects(
    startHardhatNode(bad),
    (e: unknown) =>
      e instanceof TallyError &&
      e.code === 'bench_peer_start_failed' &&
      /^hardhat node exited \(1\):/.test(e.message) &&
      /private key/i.test(e.message),
  );
});
