// The node's live key registry (src/node/permissions.ts) follows the identity module: it starts from
// the genesis, applies each executed block's key_added and key_revoked events by re-reading state,
// and rebuilt from that state (a restart) it says the same. Admission refuses a revoked signer;
// the check before a vote lets it through, since execution refuses it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CborValue } from '../../src/codec/index.ts';
import { sha256 } from '../../src/crypto/sha256.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { toCall } from '../../src/execution/block-receipts.ts';
import {
  createMemoryState,
  createRegistry,
  executeBlock,
  type MemoryState,
} from '../../src/execution/index.ts';
import type { Receipt } from '../../src/ledger/receipt.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';
import { createIdentityModule, keyRoleNames } from '../../src/modules/identity/index.ts';
import { type Genesis, keyRoles, parseGenesis } from '../../src/node/genesis.ts';
import { createKeyRegistry, keyDirectory } from '../../src/node/permissions.ts';
import { createOrgCa } from '../../src/p2p/pki.ts';
import { toHex } from '../../src/util/bytes.ts';

const chainId = 'tally-unit';
const expiresAtMs = 1_767_225_600_000;
const key = (byte: number): KeyPair =>
  getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(byte));
const operator = key(1);
const teller = key(2);
const added = key(3);

const genesis: Genesis = parseGenesis({
  version: 1,
  chainId,
  genesisTimeMs: expiresAtMs - 3_600_000,
  organizations: [
    {
      id: 'hk-wallet',
      name: 'HK Wallet',
      caCertPem: createOrgCa({ orgId: 'hk-wallet', name: 'HK CA', validDays: 1 }).certPem,
      roles: ['wallet', 'validator'],
    },
  ],
  nodes: [
    {
      nodeId: 'hk-1',
      orgId: 'hk-wallet',
      kind: 'validator',
      suite: 'ed25519',
      publicKey: toHex(key(9).publicKey),
      p2p: { host: '127.0.0.1', port: 26_600 },
      api: { host: '127.0.0.1', port: 8080 },
    },
  ],
  keys: [
    {
      orgId: 'hk-wallet',
      name: 'ops',
      suite: 'ed25519',
      publicKey: toHex(operator.publicKey),
      roles: ['submit', 'operator'],
    },
    {
      orgId: 'hk-wallet',
      name: 'teller',
      suite: 'ed25519',
      publicKey: toHex(teller.publicKey),
      roles: ['submit'],
    },
  ],
});
const directory = keyDirectory(genesis);
const runtime = createRegistry([createIdentityModule({ directory })]);

let nonce = 0n;
function signed(k: KeyPair, module: string, method: string, args: CborValue): Transaction {
  return signTransaction(
    {
      chainId,
      suite: k.suite,
      signer: k.publicKey,
      nonce: ++nonce,
      expiresAtMs,
      module,
      method,
      args,
    },
    getSuite(k.suite),
    k.secretKey,
  );
}

/** Executes one block over `state` and returns its receipts, as the block executor would. */
function execute(state: MemoryState, height: number, txs: readonly Transaction[]): Receipt[] {
  const output = executeBlock(
    runtime,
    state,
    { height, timeMs: expiresAtMs - 1000, seed: sha256(new Uint8Array([height])) },
    txs.map(toCall),
  );
  state.apply(output.changes);
  return output.results.map((r, index) => ({
    txId: r.txId,
    height,
    index,
    code: r.code,
    message: r.message ?? '',
    events: r.events,
  }));
}

const addArgs = {
  name: 'new-key',
  suite: 'ed25519',
  publicKey: added.publicKey,
  roles: ['submit', 'read'],
};
const transfer = (k: KeyPair) => signed(k, 'bank', 'create_transfer', null);

describe('the live key registry', () => {
  it('knows the same key roles as the genesis', () => {
    assert.deepEqual([...keyRoleNames], [...keyRoles]);
  });

  it('starts from the genesis keys', () => {
    const registry = createKeyRegistry(genesis, { state: createMemoryState(), directory });
    assert.equal(registry.key(toHex(teller.publicKey))?.name, 'teller');
    assert.deepEqual(
      registry.orgKeys('hk-wallet')?.map((k) => [k.name, k.status, k.addedHeight]),
      [
        ['ops', 'live', 0],
        ['teller', 'live', 0],
      ],
    );
    assert.equal(registry.orgKeys('nobody'), undefined);
    assert.equal(registry.checkTransaction(transfer(added)).ok, false);
  });

  it('follows executed blocks: an added key is admitted, a revoked one refused with signer_revoked', () => {
    const state = createMemoryState();
    const registry = createKeyRegistry(genesis, { state, directory });
    registry.applyExecuted(
      execute(state, 1, [signed(operator, 'identity', 'add_key', addArgs)]),
      state,
    );
    assert.deepEqual(registry.checkTransaction(transfer(added)), { ok: true });
    assert.deepEqual(registry.key(toHex(added.publicKey))?.roles, ['submit', 'read']);
    const receipts = execute(state, 2, [
      signed(operator, 'identity', 'revoke_key', { publicKey: teller.publicKey }),
    ]);
    assert.equal(receipts[0]!.code, 'ok');
    registry.applyExecuted(receipts, state);
    assert.deepEqual(registry.checkTransaction(transfer(teller)), {
      ok: false,
      code: 'signer_revoked',
      message: 'key teller of hk-wallet was revoked at height 2',
    });
    assert.deepEqual(registry.checkProposed(transfer(teller)), { ok: true });
    assert.equal(registry.key(toHex(teller.publicKey)), undefined);
    assert.equal(registry.checkProposed(transfer(key(77))).ok, false);
  });

  it('ignores failed receipts and rebuilds the same view from state (a restart)', () => {
    const state = createMemoryState();
    const registry = createKeyRegistry(genesis, { state, directory });
    const receipts = [
      ...execute(state, 1, [signed(operator, 'identity', 'add_key', addArgs)]),
      ...execute(state, 2, [
        signed(teller, 'identity', 'revoke_key', { publicKey: operator.publicKey }),
        signed(operator, 'identity', 'revoke_key', { publicKey: teller.publicKey }),
      ]),
    ];
    assert.deepEqual(
      receipts.map((r) => r.code),
      ['ok', 'key_not_operator', 'ok'],
    );
    registry.applyExecuted(receipts, state);
    const rebuilt = createKeyRegistry(genesis, { state, directory });
    assert.deepEqual(rebuilt.orgKeys('hk-wallet'), registry.orgKeys('hk-wallet'));
    assert.deepEqual(
      rebuilt.orgKeys('hk-wallet')?.map((k) => [k.name, k.status, k.addedHeight, k.revokedHeight]),
      [
        ['ops', 'live', 0, undefined],
        ['teller', 'revoked', 0, 2],
        ['new-key', 'live', 1, undefined],
      ],
    );
  });
});
