// Which submitted transactions the node's API holds back as revocations of its own gateway key: only
// identity.revoke_key naming that key, whatever else carries the key's bytes (test/e2e/gateway-key
// covers the refusal through a real node).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { revocationOf } from '../../src/api/gateway-key-guard.ts';
import type { CborValue } from '../../src/codec/index.ts';
import {
  buildAddKey,
  buildRevokeKey,
  buildTransaction,
  createAccount,
  createBankId,
  generateAccount,
  type LocalAccount,
  type SignedTransaction,
  signTransaction,
} from '../../src/sdk/index.ts';
import { toHex } from '../../src/util/bytes.ts';

const chainId = 'tally-test';
const operator = generateAccount();
const gateway = generateAccount();
const gatewayKey = gateway.publicKey;

type Call = { module: string; method: string; args: CborValue };

function signed(account: LocalAccount, call: Call): SignedTransaction {
  return signTransaction(account, buildTransaction({ chainId, ...call }));
}

describe('gateway key guard', () => {
  it('finds a revocation of the gateway key and answers its id', () => {
    const tx = signed(operator, buildRevokeKey({ publicKey: gateway.publicKeyHex }));
    assert.equal(toHex(revocationOf(tx.bytes, gatewayKey)!), tx.txId);
  });

  it('lets through a revocation of any other key', () => {
    const other = generateAccount().publicKeyHex;
    const tx = signed(operator, buildRevokeKey({ publicKey: other }));
    assert.equal(revocationOf(tx.bytes, gatewayKey), undefined);
  });

  it('lets through other calls that carry the key: adding it, or signed by it', () => {
    const add = signed(
      operator,
      buildAddKey({
        name: 'again',
        suite: 'ed25519',
        publicKey: gateway.publicKeyHex,
        roles: ['submit'],
      }),
    );
    const byGateway = signed(gateway, createAccount({ id: createBankId(), currency: 'HKD' }));
    assert.equal(revocationOf(add.bytes, gatewayKey), undefined);
    assert.equal(revocationOf(byGateway.bytes, gatewayKey), undefined);
  });

  it('leaves bytes that do not decode to the mempool, even when they hold the key', () => {
    const tx = signed(operator, buildRevokeKey({ publicKey: gateway.publicKeyHex }));
    const cut = tx.bytes.slice(0, tx.bytes.length - 10);
    assert.equal(revocationOf(cut, gatewayKey), undefined);
    assert.equal(revocationOf(new Uint8Array([0xff, ...gatewayKey]), gatewayKey), undefined);
  });
});
