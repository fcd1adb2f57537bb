// A real node's API for tests: LMDB in a temp dir, the real mempool, a single-validator LocalChain
// with the bank module, all behind ApiServices and served by createApiServer on a free port.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { RecentBlocks } from '../../src/api/recent-blocks.ts';
import { type ApiServer, createApiServer } from '../../src/api/server.ts';
import type { ApiCaller, ApiServices, NodeStatus } from '../../src/api/services.ts';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import type { CborValue } from '../../src/codec/index.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import type { StateReader } from '../../src/execution/types.ts';
import { emptyRoot } from '../../src/ledger/state/index.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';
import type { ValidatorSet } from '../../src/ledger/validator-set.ts';
import { createMempool, type Mempool } from '../../src/mempool/index.ts';
import { createBankModule } from '../../src/modules/bank/index.ts';
import { openStore } from '../../src/storage/index.ts';
import { toHex } from '../../src/util/bytes.ts';

export const harnessChainId = 'tally-api-test';
/** How far ahead the harness's transactions expire: inside the mempool's 10-minute window. */
const txLifetimeMs = 5 * 60 * 1000;

export type HarnessKeys = {
  /** Registered to org 'wallet-hk' with roles submit + read. */
  readonly submitter: KeyPair;
  /** Registered to org 'regulator' with role read only. */
  readonly reader: KeyPair;
  /** Not registered. */
  readonly outsider: KeyPair;
};

export type ApiHarness = {
  readonly url: string;
  readonly chainId: string;
  readonly services: ApiServices;
  readonly keys: HarnessKeys;
  readonly validatorSet: ValidatorSet;
  readonly validatorKey: KeyPair;
  readonly mempool: Mempool;
  readonly server: ApiServer;
  /** Commits one block with everything pending in the mempool; returns its height. */
  commitPending(): Promise<number>;
  /** Signs a transaction for this chain (a fresh nonce each call unless given). */
  signTx(
    key: KeyPair,
    module: string,
    method: string,
    args: CborValue,
    nonce?: bigint,
  ): Transaction;
  close(): Promise<void>;
};

function fixedKey(byte: number): KeyPair {
  return getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(byte));
}

export type ApiHarnessOptions = {
  readonly bodyBytesMax?: number;
  readonly mempoolTxsMax?: number;
  readonly perSignerTxsMax?: number;
};

export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'tally-api-'));
  const store = openStore({ path: dir });
  const validatorKey = fixedKey(0x71);
  const keys: HarnessKeys = {
    submitter: fixedKey(0x72),
    reader: fixedKey(0x73),
    outsider: fixedKey(0x74),
  };
  const chain = new LocalChain(
    {
      chainId: harnessChainId,
      validator: validatorKey,
      modules: [createBankModule()],
      genesisTimeMs: Date.now(),
    },
    { store },
  );
  const mempool = buildMempool(chain, options);
  const listeners = new Set<(height: number) => void>();
  // As the node does (src/node/services.ts): streams that follow the tip read blocks from memory.
  const recent = new RecentBlocks();
  const services = {
    ...buildServices(chain, mempool, keys, listeners),
    recentBlock: (height: number) => recent.get(height),
  };
  const commitPending = async (): Promise<number> => {
    const txs = mempool.reap(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const committed = await chain.commitBlock(txs, Date.now());
    const { header } = chain.executor.blocks.blockAt(committed.height)!;
    recent.add({
      header,
      hash: committed.blockHash,
      stateRoot: committed.stateRoot,
      receipts: committed.receipts,
    });
    mempool.removeCommitted(txs.map((t) => t.id));
    for (const listener of listeners) listener(committed.height);
    return committed.height;
  };
  await commitPending(); // genesis block 0, so that there is always a latest block
  const server = await createApiServer(
    {
      host: '127.0.0.1',
      port: 0,
      ...(options.bodyBytesMax === undefined ? {} : { bodyBytesMax: options.bodyBytesMax }),
    },
    services,
  );
  let nonce = 0n;
  return {
    url: server.url,
    chainId: harnessChainId,
    services,
    keys,
    validatorSet: chain.validatorSet,
    validatorKey,
    mempool,
    server,
    commitPending,
    signTx(key, module, method, args, txNonce) {
      const body = {
        chainId: harnessChainId,
        suite: key.suite,
        signer: key.publicKey,
        nonce: txNonce ?? ++nonce,
        expiresAtMs: Date.now() + txLifetimeMs,
        module,
        method,
        args,
      };
      return signTransaction(body, getSuite(key.suite), key.secretKey);
    },
    async close() {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function buildMempool(chain: LocalChain, options: ApiHarnessOptions): Mempool {
  const blocks = chain.executor.blocks;
  return createMempool(
    {
      chainId: harnessChainId,
      ...(options.mempoolTxsMax === undefined ? {} : { txsMax: options.mempoolTxsMax }),
      ...(options.perSignerTxsMax === undefined
        ? {}
        : { perSignerTxsMax: options.perSignerTxsMax }),
    },
    {
      now: Date.now,
      isCommitted: (txId) => blocks.hasTx(txId),
      checkPermission: () => ({ ok: true }),
    },
  );
}

function buildServices(
  chain: LocalChain,
  mempool: Mempool,
  keys: HarnessKeys,
  listeners: Set<(height: number) => void>,
): ApiServices {
  const { blocks, state } = chain.executor;
  const callers = new Map<string, ApiCaller & { suite: string }>([
    [
      toHex(keys.submitter.publicKey),
      { orgId: 'wallet-hk', name: 'submitter', roles: ['submit', 'read'], suite: 'ed25519' },
    ],
    [
      toHex(keys.reader.publicKey),
      { orgId: 'regulator', name: 'reader', roles: ['read'], suite: 'ed25519' },
    ],
  ]);
  const latest: StateReader = {
    get: (key) => (state.latestHeight === undefined ? undefined : (state.get(key) ?? undefined)),
  };
  const metrics = new Registry();
  return {
    chainId: harnessChainId,
    submit: (txs) => mempool.admit(txs, { origin: 'api' }),
    isPending: (txId) => mempool.has(txId),
    status: (): NodeStatus => {
      const executed = blocks.executed();
      return {
        chainId: harnessChainId,
        nodeId: 'node-0',
        orgId: 'local',
        kind: 'validator',
        height: blocks.latestHeight() ?? 0,
        executedHeight: executed?.height ?? 0,
        stateRoot: executed?.stateRoot ?? emptyRoot,
        epoch: chain.validatorSet.epoch,
        round: blocks.latestHeight() ?? 0,
        peers: [],
        mempoolTxs: mempool.size(),
        mempoolBytes: mempool.bytes(),
        syncing: false,
        version: '0.1.0',
      };
    },
    readiness: () => ({ ready: true }),
    finalHeight: () => blocks.executed()?.height ?? -1,
    blocks,
    state,
    latest,
    validators: () => chain.validatorSet,
    onExecuted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    caller: (publicKeyHex) => callers.get(publicKeyHex),
    metrics,
  };
}
