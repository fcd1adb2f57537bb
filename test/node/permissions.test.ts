// Who may sign what: a genesis with real org CAs registers the bank workload's keys; the registry
// refuses strangers, keys without 'submit', and issuer-only methods from organisations that are not
// issuers, with pinned messages.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';
import { type Genesis, parseGenesis } from '../../src/node/genesis.ts';
import { createKeyRegistry, type KeyRegistry } from '../../src/node/permissions.ts';
import { createOrgCa } from '../../src/p2p/pki.ts';
import { toHex } from '../../src/util/bytes.ts';

const chainId = 'tally-unit';
const expiresAtMs = 1_767_225_600_000;

function fixedKey(byte: number): KeyPair {
  return getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(byte));
}

const workload = new BankWorkload({ chainId, accounts: 2, users: 2, expiresAtMs });
const auditorKey = fixedKey(0x61);
const bareKey = fixedKey(0x62);
const strangerKey = fixedKey(0x63);
const validatorKey = fixedKey(0x64);

let genesis: Genesis;
let registry: KeyRegistry;

function org(id: string, roles: string[]) {
  return {
    id,
    name: id,
    caCertPem: createOrgCa({ orgId: id, name: `${id} CA`, validDays: 1 }).certPem,
    roles,
  };
}

function key(orgId: string, name: string, k: KeyPair, roles: string[]) {
  return { orgId, name, suite: k.suite, publicKey: toHex(k.publicKey), roles };
}

before(() => {
  genesis = parseGenesis({
    version: 1,
    chainId,
    genesisTimeMs: expiresAtMs - 3_600_000,
    organizations: [
      org('issuer-bank', ['bank', 'issuer', 'validator']),
      org('ph-wallet', ['wallet', 'validator']),
      org('auditor', ['regulator']),
      org('bare', []),
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
      key('issuer-bank', 'bank-api', workload.issuer, ['submit', 'read']),
      key('ph-wallet', 'wallet-alice', workload.users[0]!, ['submit']),
      key('ph-wallet', 'wallet-bob', workload.users[1]!, ['submit']),
      key('auditor', 'auditor-read', auditorKey, ['read']),
      key('bare', 'bare-api', bareKey, ['submit']),
    ],
  });
  registry = createKeyRegistry(genesis);
});

let nonce = 1000n;

function signed(
  k: KeyPair,
  method: string,
  args: Parameters<typeof signTransaction>[0]['args'],
): Transaction {
  return signTransaction(
    {
      chainId,
      suite: k.suite,
      signer: k.publicKey,
      nonce: ++nonce,
      expiresAtMs,
      module: 'bank',
      method,
      args,
    },
    getSuite(k.suite),
    k.secretKey,
  );
}

const issueArgs = {
  id: new Uint8Array(16).fill(7),
  accountId: workload.accountId(0, 0),
  amount: 100n,
  currency: 'HKD',
};

describe('createKeyRegistry', () => {
  it('finds registered keys by hex and organisation roles by id', () => {
    assert.equal(registry.key(toHex(workload.issuer.publicKey))?.name, 'bank-api');
    assert.equal(registry.key(toHex(strangerKey.publicKey)), undefined);
    assert.deepEqual(registry.orgRoles('issuer-bank'), ['bank', 'issuer', 'validator']);
    assert.deepEqual(registry.orgRoles('nobody'), []);
  });

  it("allows the whole bank workload: the issuer's setup and the users' accounts and transfers", () => {
    const txs = [...workload.setupPhases().flat(), ...workload.transfers(6)];
    assert.equal(txs.length, 2 + 4 + 4 + 6);
    for (const tx of txs)
      assert.deepEqual(registry.checkTransaction(tx), { ok: true }, `${tx.module}.${tx.method}`);
  });

  it('allows issuer-only methods to an issuer organisation', () => {
    for (const method of ['register_currency', 'issue', 'redeem'])
      assert.deepEqual(registry.checkTransaction(signed(workload.issuer, method, issueArgs)), {
        ok: true,
      });
  });

  it('allows a method that needs no role to any member key with submit', () => {
    assert.deepEqual(registry.checkTransaction(signed(bareKey, 'create_account', null)), {
      ok: true,
    });
  });

  it('error: signer_unknown for a key no organisation registered', () => {
    assert.deepEqual(registry.checkTransaction(signed(strangerKey, 'create_account', null)), {
      ok: false,
      code: 'signer_unknown',
      message: 'the signing key is not registered to any member organisation',
    });
  });

  it('error: signer_unknown for a node consensus key (nodes do not submit transactions)', () => {
    const result = registry.checkTransaction(signed(validatorKey, 'create_account', null));
    assert.equal(result.ok ? 'ok' : result.code, 'signer_unknown');
  });

  it('error: signer_not_permitted for a key without the submit role', () => {
    assert.deepEqual(registry.checkTransaction(signed(auditorKey, 'create_account', null)), {
      ok: false,
      code: 'signer_not_permitted',
      message: 'key auditor-read of auditor does not have the submit role',
    });
  });

  it('error: org_not_permitted for bank.issue by an organisation without the issuer role', () => {
    assert.deepEqual(registry.checkTransaction(signed(workload.users[0]!, 'issue', issueArgs)), {
      ok: false,
      code: 'org_not_permitted',
      message: 'bank.issue needs an organisation with role issuer; ph-wallet has wallet, validator',
    });
  });

  it('error: org_not_permitted names "none" for an organisation without roles', () => {
    assert.deepEqual(registry.checkTransaction(signed(bareKey, 'register_currency', issueArgs)), {
      ok: false,
      code: 'org_not_permitted',
      message: 'bank.register_currency needs an organisation with role issuer; bare has none',
    });
    const redeem = registry.checkTransaction(signed(workload.users[1]!, 'redeem', issueArgs));
    assert.equal(redeem.ok ? 'ok' : redeem.code, 'org_not_permitted');
  });
});
