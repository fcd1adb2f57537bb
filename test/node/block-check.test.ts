// The node's verdict on a proposed block, with real parts: a genesis with real org CAs, the bank
// workload's signed transactions, a real mempool that verifies through the checker, and the real
// signature batch verifier (observed, not replaced). Each refusal reason is pinned.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import { encode } from '../../src/codec/index.ts';
import { merkleRoot } from '../../src/crypto/merkle.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { type VerifyItem, verifyBatch } from '../../src/crypto/verify-batch.ts';
import { type Block, type BlockHeader, hashHeader } from '../../src/ledger/block.ts';
import {
  decodeTransaction,
  encodeTransactionBody,
  signTransaction,
  type Transaction,
  transactionId,
} from '../../src/ledger/tx.ts';
import { createMempool, type Mempool } from '../../src/mempool/index.ts';
import { BlockChecker, type ExecutedRoots } from '../../src/node/block-check.ts';
import { createGenesisBlock, type Genesis, parseGenesis } from '../../src/node/genesis.ts';
import { createKeyRegistry } from '../../src/node/permissions.ts';
import { createOrgCa } from '../../src/p2p/pki.ts';
import { toHex } from '../../src/util/bytes.ts';

const chainId = 'tally-unit';
const t0Ms = 1_767_225_600_000;
const workload = new BankWorkload({ chainId, accounts: 3, users: 2, expiresAtMs: t0Ms + 60_000 });
const [registers, opens] = workload.setupPhases() as [Transaction[], Transaction[], Transaction[]];
const stranger = getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(0x77));
const validatorKey = getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(0x78));

function org(id: string, roles: string[]) {
  const ca = createOrgCa({ orgId: id, name: `${id} CA`, validDays: 1 });
  return { id, name: id, caCertPem: ca.certPem, roles };
}

function registered(orgId: string, name: string, k: KeyPair) {
  return { orgId, name, suite: k.suite, publicKey: toHex(k.publicKey), roles: ['submit'] };
}

const genesis: Genesis = parseGenesis({
  version: 1,
  chainId,
  genesisTimeMs: t0Ms - 3_600_000,
  organizations: [
    org('issuer-bank', ['bank', 'issuer', 'validator']),
    org('ph-wallet', ['wallet']),
  ],
  nodes: [
    {
      nodeId: 'issuer-bank-1',
      orgId: 'issuer-bank',
      kind: 'validator',
      suite: 'ed25519',
      publicKey: toHex(validatorKey.publicKey),
      p2p: { host: '127.0.0.1', port: 26_600 },
      api: { host: '127.0.0.1', port: 8080 },
    },
  ],
  keys: [
    registered('issuer-bank', 'bank-api', workload.issuer),
    registered('ph-wallet', 'alice', workload.users[0]!),
    registered('ph-wallet', 'bob', workload.users[1]!),
  ],
});
const registry = createKeyRegistry(genesis);

/** The parent: height 4, certifying state 1; this node has executed heights 1 and 2. */
const parent: BlockHeader = {
  ...createGenesisBlock(genesis).header,
  height: 4,
  round: 4,
  stateHeight: 1,
  timeMs: t0Ms,
};
const roots = new Map<number, ExecutedRoots>([
  [1, { stateRoot: new Uint8Array(32).fill(1), resultsRoot: new Uint8Array(32).fill(11) }],
  [2, { stateRoot: new Uint8Array(32).fill(2), resultsRoot: new Uint8Array(32).fill(12) }],
]);

type Parts = {
  checker: BlockChecker;
  mempool: Mempool;
  /** Each call the real verifier received, in order. */
  verifyCalls: VerifyItem[][];
};

let parts: Parts;
/** Ids of transactions in blocks this node has executed. */
const committedIds = new Set<string>();

beforeEach(() => {
  committedIds.clear();
  const verifyCalls: VerifyItem[][] = [];
  const checker: BlockChecker = new BlockChecker({
    chainId,
    registry,
    pending: (id) => mempool.get(id),
    rootsAt: (height) => roots.get(height),
    isCommitted: (id) => committedIds.has(toHex(id)),
    verify: (items) => {
      verifyCalls.push([...items]);
      return verifyBatch(items);
    },
  });
  const mempool = createMempool(
    { chainId },
    {
      now: () => t0Ms,
      isCommitted: () => false,
      checkPermission: (tx) => registry.checkTransaction(tx),
      verify: (items) => checker.verifyShared(items),
    },
  );
  mempool.onAdmitted((batch) => checker.markVerified(batch.txs));
  parts = { checker, mempool, verifyCalls };
});

/** A child of `parent` at height 5 certifying state 2, carrying `txs`; `edit` bends the header. */
function blockOf(txs: readonly Transaction[], edit: Partial<BlockHeader> = {}): Block {
  const state = roots.get(2)!;
  const header: BlockHeader = {
    ...parent,
    height: 5,
    round: 5,
    timeMs: parent.timeMs + 500,
    txRoot: merkleRoot(txs.map((t) => t.id)),
    txCount: txs.length,
    stateHeight: 2,
    stateRoot: state.stateRoot,
    resultsRoot: state.resultsRoot,
    ...edit,
  };
  // Copies: the checker must recognise transactions by their bytes, not by object identity.
  return { header, txs: txs.map((t) => t.bytes.slice()) };
}

let nonce = 0n;

function signedBy(k: KeyPair, chain = chainId): Transaction {
  return signTransaction(
    {
      chainId: chain,
      suite: 'ed25519',
      signer: k.publicKey,
      nonce: ++nonce,
      expiresAtMs: t0Ms + 60_000,
      module: 'bank',
      method: 'create_account',
      args: null,
    },
    getSuite('ed25519'),
    k.secretKey,
  );
}

/** `tx` with one bit of its signature flipped: same body, same id, different bytes. */
function withBadSignature(tx: Transaction): Transaction {
  const bodyBytes = encodeTransactionBody(tx);
  const signature = tx.signature.slice();
  signature[10]! ^= 1;
  const bad = decodeTransaction(encode([bodyBytes, signature]));
  assert.deepEqual(bad.id, transactionId(bodyBytes));
  return bad;
}

function verdict(block: Block, parentHeader: BlockHeader = parent) {
  return parts.checker.validate(block, parentHeader);
}

function refused(reason: string) {
  return { ok: false, reason };
}

describe('BlockChecker.validate', () => {
  it('accepts a good block once prepare() has checked its signatures', async () => {
    const block = blockOf([...registers, ...opens]);
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), { ok: true });
    assert.equal(parts.verifyCalls.length, 1);
    assert.equal(parts.verifyCalls[0]!.length, registers.length + opens.length);
  });

  it('accepts pending transactions without checking their signatures again', async () => {
    const results = await parts.mempool.admit(opens.map((t) => t.bytes));
    assert.deepEqual(
      results.map((r) => r.status),
      opens.map(() => 'admitted'),
    );
    assert.equal(parts.verifyCalls.length, 1);
    const block = blockOf(opens);
    await parts.checker.prepare(block);
    assert.equal(parts.verifyCalls.length, 1);
    assert.deepEqual(verdict(block), { ok: true });
  });

  it('accepts an empty block', () => {
    assert.deepEqual(verdict(blockOf([])), { ok: true });
  });

  it('accepts a block whose state this node has not executed yet', () => {
    const block = blockOf([], {
      stateHeight: 3,
      stateRoot: new Uint8Array(32).fill(9),
      resultsRoot: new Uint8Array(32).fill(9),
    });
    assert.deepEqual(verdict(block), { ok: true });
  });

  it('refuses a wrong txCount', async () => {
    const block = blockOf(opens, { txCount: opens.length - 1 });
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), refused('txCount does not match the transactions'));
  });

  it('refuses a block whose txRoot does not match', async () => {
    const block = blockOf(opens, { txRoot: merkleRoot(opens.slice(1).map((t) => t.id)) });
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), refused('txRoot does not match the transactions'));
    const reordered = { ...blockOf([...opens].reverse()), header: blockOf(opens).header };
    assert.deepEqual(verdict(reordered), refused('txRoot does not match the transactions'));
  });

  it('refuses a block whose time goes back', () => {
    assert.deepEqual(
      verdict(blockOf([], { timeMs: parent.timeMs - 1 })),
      refused('block time goes back'),
    );
    assert.deepEqual(verdict(blockOf([], { timeMs: parent.timeMs })), { ok: true });
  });

  it('refuses a stateHeight below the parent or not below the block', () => {
    assert.deepEqual(
      verdict(blockOf([], { stateHeight: 0 })),
      refused('stateHeight 0 is outside [1, 5)'),
    );
    assert.deepEqual(
      verdict(blockOf([], { stateHeight: 5 })),
      refused('stateHeight 5 is outside [1, 5)'),
    );
  });

  it('refuses a stateRoot or resultsRoot different from rootsAt', () => {
    assert.deepEqual(
      verdict(blockOf([], { stateRoot: new Uint8Array(32).fill(3) })),
      refused('stateRoot differs from ours'),
    );
    assert.deepEqual(
      verdict(blockOf([], { resultsRoot: roots.get(1)!.resultsRoot })),
      refused('resultsRoot differs from ours'),
    );
    // The parent's state, certified again, must carry the parent's roots.
    const again = roots.get(1)!;
    assert.deepEqual(verdict(blockOf([], { stateHeight: 1, ...again })), { ok: true });
  });

  it('refuses a transaction that does not decode', () => {
    const block = blockOf([]);
    const garbage = { header: { ...block.header, txCount: 1 }, txs: [new Uint8Array([1, 2, 3])] };
    const result = verdict(garbage);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /^transaction does not decode: /);
  });

  it('refuses a transaction for another chain', async () => {
    const foreign = signedBy(workload.users[0]!, 'other-chain');
    const block = blockOf([opens[0]!, foreign]);
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), refused('transaction for another chain'));
  });

  it('refuses a transaction whose signature nobody checked', () => {
    const block = blockOf([opens[0]!]);
    assert.deepEqual(
      verdict(block),
      refused(`bad or unchecked signature on ${toHex(opens[0]!.id)}`),
    );
  });

  it('refuses a badly signed transaction: prepare() does not mark it verified', async () => {
    const bad = withBadSignature(signedBy(workload.users[1]!));
    const block = blockOf([opens[1]!, bad]);
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), refused(`bad or unchecked signature on ${toHex(bad.id)}`));
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), refused(`bad or unchecked signature on ${toHex(bad.id)}`));
    assert.deepEqual(
      parts.verifyCalls.map((c) => c.length),
      [2, 1],
      'the second prepare() checks only the one still unverified',
    );
  });

  it('refuses a verified transaction copied with an altered signature', async () => {
    const good = signedBy(workload.users[0]!);
    await parts.checker.prepare(blockOf([good]));
    const bad = withBadSignature(good);
    const block = blockOf([bad]);
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), refused(`bad or unchecked signature on ${toHex(bad.id)}`));
  });

  it('refuses a pending transaction copied with an altered signature', async () => {
    const good = signedBy(workload.users[1]!);
    await parts.mempool.admit([good.bytes]);
    const bad = withBadSignature(good);
    const block = blockOf([bad]);
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), refused(`bad or unchecked signature on ${toHex(bad.id)}`));
  });

  it('refuses a transaction whose signer has no permission', async () => {
    const tx = signedBy(stranger);
    const block = blockOf([opens[0]!, tx]);
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), refused(`signer_unknown on ${toHex(tx.id)}`));
  });

  it('refuses a transaction carried by an accepted ancestor not executed yet, not by a rival', async () => {
    const first = blockOf(opens.slice(0, 2));
    await parts.checker.prepare(first);
    assert.deepEqual(verdict(first), { ok: true });
    const childOf = (p: Block, txs: readonly Transaction[]): Block => {
      return blockOf(txs, {
        height: p.header.height + 1,
        round: p.header.round + 1,
        timeMs: p.header.timeMs + 500,
        parentHash: hashHeader(p.header),
      });
    };
    const empty = childOf(first, []);
    assert.deepEqual(verdict(empty, first.header), { ok: true });
    const repeat = childOf(empty, [opens[2]!, opens[1]!]);
    await parts.checker.prepare(repeat);
    assert.deepEqual(
      verdict(repeat, empty.header),
      refused(`transaction ${toHex(opens[1]!.id)} is already in block 5`),
    );
    // A rival of `first` at the same height (another round) may carry the same transactions.
    const rival = blockOf(opens.slice(0, 2), { round: 6 });
    assert.deepEqual(verdict(rival), { ok: true });
    // Once height 5 is executed, isCommitted speaks for it instead. Its transactions' signature
    // checks are forgotten with it, so a block that carries one again is checked again.
    parts.checker.forget(first);
    assert.deepEqual(
      verdict(repeat, empty.header),
      refused(`bad or unchecked signature on ${toHex(opens[1]!.id)}`),
    );
    await parts.checker.prepare(repeat);
    assert.deepEqual(verdict(repeat, empty.header), { ok: true });
  });

  it('refuses a transaction already in an executed block, which would appear twice on chain', async () => {
    const block = blockOf(opens);
    await parts.checker.prepare(block);
    assert.deepEqual(verdict(block), { ok: true });
    committedIds.add(toHex(opens[1]!.id));
    assert.deepEqual(
      verdict(blockOf(opens)),
      refused(`transaction ${toHex(opens[1]!.id)} is already committed`),
    );
  });
});

describe('BlockChecker.verifyShared', () => {
  function item(tx: Transaction): VerifyItem {
    return { suite: tx.suite, message: tx.id, signature: tx.signature, publicKey: tx.signer };
  }

  it('gives one verdict per item, in order', async () => {
    const bad = withBadSignature(signedBy(workload.users[0]!));
    const items = [item(opens[0]!), item(bad), item(opens[1]!)];
    assert.deepEqual(await parts.checker.verifyShared(items), [true, false, true]);
    assert.deepEqual(await parts.checker.verifyShared([]), []);
  });

  it('joins concurrent checks of the same id and signature', async () => {
    const a = item(opens[0]!);
    const b = item(opens[1]!);
    const c = item(opens[2]!);
    const first = parts.checker.verifyShared([a, b]);
    const second = parts.checker.verifyShared([b, c, a]);
    assert.deepEqual(await Promise.all([first, second]), [
      [true, true],
      [true, true, true],
    ]);
    assert.deepEqual(
      parts.verifyCalls.map((call) => call.map((i) => toHex(i.message))),
      [[a, b], [c]].map((call) => call.map((i) => toHex(i.message))),
    );
  });

  it('does not join a check of the same id with another signature', async () => {
    const good = item(opens[2]!);
    const bad = item(withBadSignature(opens[2]!));
    const results = await Promise.all([
      parts.checker.verifyShared([good]),
      parts.checker.verifyShared([bad]),
    ]);
    assert.deepEqual(results, [[true], [false]]);
    assert.equal(parts.verifyCalls.length, 2);
  });

  it('checks again once an earlier check has finished', async () => {
    const a = item(opens[0]!);
    await parts.checker.verifyShared([a]);
    await parts.checker.verifyShared([a]);
    assert.equal(parts.verifyCalls.length, 2);
  });
});

describe('BlockChecker.transactions', () => {
  it("returns the mempool's decoded object when markVerified saw the same bytes", async () => {
    await parts.mempool.admit(opens.map((t) => t.bytes.slice()));
    const block = blockOf(opens);
    const txs = parts.checker.transactions(block);
    assert.ok(txs !== undefined);
    txs.forEach((tx, i) => {
      assert.equal(tx, parts.mempool.get(opens[i]!.id));
    });
    assert.equal(parts.checker.transactions(block), txs, 'decoded once per block');
  });

  it('decodes transactions it has not seen, and says undefined for a block that does not decode', () => {
    const block = blockOf([registers[0]!]);
    const [tx] = parts.checker.transactions(block) ?? [];
    assert.ok(tx !== undefined);
    assert.notEqual(tx, registers[0]);
    assert.deepEqual(tx.id, registers[0]!.id);
    const garbage = { header: block.header, txs: [new Uint8Array([0xff])] };
    assert.equal(parts.checker.transactions(garbage), undefined);
  });

  it('decodes again after forget()', () => {
    const block = blockOf([registers[1]!]);
    const first = parts.checker.transactions(block);
    parts.checker.forget(block);
    const second = parts.checker.transactions(block);
    assert.notEqual(first, second);
    assert.deepEqual(
      second?.map((t) => t.id),
      first?.map((t) => t.id),
    );
  });
});

describe('BlockChecker.prepare and carried signatures', () => {
  /** Each transaction carries a good signature by `stranger` over its id's hex, and a bad one. */
  function carriedBy(tx: Transaction): VerifyItem[] {
    const message = new TextEncoder().encode(`carried ${toHex(tx.id)}`);
    const good = getSuite('ed25519').sign(message, stranger.secretKey);
    const bad = good.slice();
    bad[3]! ^= 1;
    return [good, bad].map((signature) => ({
      suite: 'ed25519' as const,
      message,
      signature,
      publicKey: stranger.publicKey,
    }));
  }

  it('checks what unchecked transactions carry in the same call, and reports what verifies', async () => {
    const verifyCalls: VerifyItem[][] = [];
    const reported: string[] = [];
    const checker = new BlockChecker({
      chainId,
      registry,
      pending: () => undefined,
      rootsAt: (height) => roots.get(height),
      isCommitted: () => false,
      verify: (items) => {
        verifyCalls.push([...items]);
        return verifyBatch(items);
      },
      carriedSignatures: carriedBy,
      carriedVerified: (item) => reported.push(new TextDecoder().decode(item.message)),
    });
    const txs = [...registers, ...opens];
    const block = blockOf(txs);
    await checker.prepare(block);
    assert.equal(verifyCalls.length, 1);
    assert.equal(verifyCalls[0]!.length, txs.length * 3, 'each signature and the two it carries');
    assert.deepEqual(
      reported.sort(),
      txs.map((tx) => `carried ${toHex(tx.id)}`).sort(),
      'the good one of each',
    );
    assert.deepEqual(checker.validate(block, parent), { ok: true });
    // Checked transactions are not checked again, nor what they carry.
    await checker.prepare(blockOf(txs));
    assert.equal(verifyCalls.length, 1);
  });
});
