// What the remittance module keeps as records (written once, placed by height in the state tree):
// the remittance as sent, its Travel-Rule envelope, its used quote and the closed chunks of the
// organisations' logs. A later status goes beside the record, which never changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyArgs, rejectArgs } from '../../src/apps/remittance/args.ts';
import { RemittanceReader, remittanceModuleName } from '../../src/apps/remittance/index.ts';
import { encodeRemittance } from '../../src/apps/remittance/records.ts';
import { logChunkIds, remittanceKeys } from '../../src/apps/remittance/store.ts';
import { type CborValue, encode } from '../../src/codec/index.ts';
import { moduleKey, moduleRecordKey, readModuleState } from '../../src/execution/index.ts';
import { type Quote, readSignedQuote } from '../../src/modules/fx/index.ts';
import { bytesEqual } from '../../src/util/bytes.ts';
import {
  type Call,
  checkInvariants,
  createRemitChain,
  hkdToPhp,
  orgs,
  type RemitChain,
  signers,
  uetr,
} from './harness.ts';

const recordOf = (chain: RemitChain, key: Uint8Array) =>
  chain.state.get(moduleRecordKey(remittanceModuleName, key));
const stateOf = (chain: RemitChain, key: Uint8Array) =>
  chain.state.get(moduleKey(remittanceModuleName, key));
const reader = (chain: RemitChain) =>
  new RemittanceReader(readModuleState(chain.state, remittanceModuleName));

function quoteOf(call: Call): Quote {
  return readSignedQuote((call.args as Record<string, CborValue>).quote, 'quote').quote;
}

function autoAccept(chain: RemitChain): void {
  const policy = policyArgs({ corridor: hkdToPhp, autoAccept: true });
  assert.equal(chain.call(signers.ph, 'set_acceptance_policy', policy).code, 'ok');
}

describe('remittance: records', () => {
  it('keeps a send accepted at once as records only: remittance, envelope, used quote', async () => {
    const chain = await createRemitChain();
    autoAccept(chain);
    const call = await chain.sendCall({ n: 1 });
    assert.equal(chain.block([call]).results[0]!.code, 'ok');
    const id = uetr(1);
    const q = quoteOf(call);
    assert.equal(chain.remittance(1).status, 'completed');
    const sent = recordOf(chain, remittanceKeys.remittance(id));
    assert.ok(sent !== undefined, 'the remittance is a record');
    assert.ok(bytesEqual(sent, encode(encodeRemittance(chain.remittance(1)))));
    assert.equal(stateOf(chain, remittanceKeys.remittance(id)), undefined, 'not a hashed key');
    assert.equal(stateOf(chain, remittanceKeys.laterStatus(id)), undefined, 'no later status');
    const travelRule = (call.args as Record<string, Uint8Array>).travelRule!;
    assert.ok(bytesEqual(reader(chain).envelope(id)!, travelRule));
    assert.ok(recordOf(chain, remittanceKeys.envelope(id)) !== undefined);
    assert.equal(stateOf(chain, remittanceKeys.envelope(id)), undefined);
    assert.ok(recordOf(chain, remittanceKeys.quoteUsed(q.provider, q.id)) !== undefined);
    assert.equal(stateOf(chain, remittanceKeys.quoteUsed(q.provider, q.id)), undefined);
    checkInvariants(chain);
  });

  it('puts a later status beside the record, which stays as sent', async () => {
    const chain = await createRemitChain();
    assert.equal((await chain.send({ n: 1 })).code, 'ok');
    const id = uetr(1);
    const pending = chain.remittance(1);
    assert.equal(pending.status, 'pending');
    const sent = recordOf(chain, remittanceKeys.remittance(id));
    assert.equal(chain.call(signers.ph, 'accept', { id }).code, 'ok');
    const done = chain.remittance(1);
    assert.equal(done.status, 'completed');
    assert.equal(done.deadlineMs, 0);
    assert.deepEqual(
      done.history.map((h) => h.status),
      ['pending', 'completed'],
    );
    assert.ok(done.updatedHeight > pending.updatedHeight);
    assert.deepEqual(
      { ...done, status: 'pending' },
      {
        ...pending,
        status: 'pending',
        deadlineMs: 0,
        updatedAtMs: done.updatedAtMs,
        updatedHeight: done.updatedHeight,
        history: done.history,
      },
    );
    assert.ok(bytesEqual(recordOf(chain, remittanceKeys.remittance(id))!, sent!), 'unchanged');
    assert.ok(stateOf(chain, remittanceKeys.laterStatus(id)) !== undefined);
    checkInvariants(chain);
  });

  it('keeps the reason of a rejection in the later status', async () => {
    const chain = await createRemitChain();
    assert.equal((await chain.send({ n: 1 })).code, 'ok');
    const args = rejectArgs({ id: uetr(1), reason: 'AC04', message: 'account closed' });
    const rejected = chain.call(signers.ph, 'reject', args);
    assert.equal(rejected.code, 'ok', rejected.message);
    const r = chain.remittance(1);
    assert.equal(r.status, 'rejected');
    assert.deepEqual(r.reason, { code: 'AC04', message: 'account closed' });
    assert.deepEqual(r.history.at(-1)?.reason, r.reason);
    checkInvariants(chain);
  });

  it('remembers a used quote for good: quote_used while it lives, quote_expired after', async () => {
    const chain = await createRemitChain();
    const call = await chain.sendCall({ n: 1 });
    assert.equal(chain.block([call]).results[0]!.code, 'ok');
    const q = quoteOf(call);
    const again = (n: number) => ({
      ...call,
      args: { ...(call.args as Record<string, never>), id: uetr(n) },
    });
    assert.equal(chain.block([again(2)]).results[0]!.code, 'quote_used');
    chain.advance(q.expiresAtMs - chain.timeMs);
    assert.equal(reader(chain).isQuoteUsed(q.provider, q.id), true, 'still remembered');
    assert.equal(chain.block([again(3)]).results[0]!.code, 'quote_expired');
    checkInvariants(chain);
  });

  it('closes a full log chunk as a record and keeps only the head in state', async () => {
    const chain = await createRemitChain();
    const calls: Call[] = [];
    for (let n = 1; n <= logChunkIds + 1; n++)
      calls.push(await chain.sendCall({ n, sendAmount: 100n }));
    assert.ok(chain.block(calls).results.every((r) => r.code === 'ok'));
    assert.ok(recordOf(chain, remittanceKeys.logChunk(orgs.hk, 0)) !== undefined);
    assert.equal(stateOf(chain, remittanceKeys.logChunk(orgs.hk, 0)), undefined);
    assert.ok(stateOf(chain, remittanceKeys.logHead(orgs.hk)) !== undefined);
    assert.ok(bytesEqual(reader(chain).logEntry(orgs.hk, 0), uetr(1)));
    assert.ok(bytesEqual(reader(chain).logEntry(orgs.hk, logChunkIds), uetr(logChunkIds + 1)));
  });
});
