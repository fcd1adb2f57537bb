// A send carries its FX provider's signature over the quote. The module declares it, so that a node
// checks it in parallel when the transaction arrives; execution then finds the check made.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRemittanceModule } from '../../src/apps/remittance/index.ts';
import { VerifiedSignatures, verifyNow } from '../../src/crypto/verified-signatures.ts';
import { createRemitChain } from './harness.ts';

test('a send declares its quote signature; execution finds it checked and uses it up', async () => {
  const chain = await createRemitChain();
  const module = createRemittanceModule({ directory: chain.directory });
  const call = await chain.sendCall({ n: 1 });
  const carried = module.carriedSignatures?.('send', call.args) ?? [];
  assert.equal(carried.length, 1);
  const [check] = carried;
  assert.equal(verifyNow(check!), true, 'it is the real quote signature');
  const found: boolean[] = [];
  const memo = new VerifiedSignatures({ onCheck: (hit) => found.push(hit) });
  memo.remember(check!);
  chain.verifySignature = (c) => memo.verify(c);
  const result = chain.block([call]).results[0]!;
  assert.equal(result.code, 'ok', result.message);
  assert.deepEqual(found, [true], 'execution asked once and found it');
  assert.equal(memo.size, 0);
});

test('a quote whose signature does not verify is refused whether or not a check was remembered', async () => {
  const chain = await createRemitChain();
  const module = createRemittanceModule({ directory: chain.directory });
  const call = await chain.sendCall({
    n: 2,
    tamper: (q) => ({ ...q, fee: q.fee - 1n, totalDebit: q.totalDebit - 1n }),
  });
  const [check] = module.carriedSignatures?.('send', call.args) ?? [];
  assert.ok(check !== undefined);
  assert.equal(verifyNow(check), false);
  const found: boolean[] = [];
  const memo = new VerifiedSignatures({ onCheck: (hit) => found.push(hit) });
  chain.verifySignature = (c) => memo.verify(c);
  const result = chain.block([call]).results[0]!;
  assert.equal(result.code, 'quote_signature_invalid');
  assert.deepEqual(found, [false], 'nothing was remembered, so execution verified it now');
});

test('other methods and arguments that do not read carry nothing', async () => {
  const chain = await createRemitChain();
  const module = createRemittanceModule({ directory: chain.directory });
  const call = await chain.sendCall({ n: 3 });
  assert.deepEqual(module.carriedSignatures?.('accept', call.args), []);
  assert.deepEqual(module.carriedSignatures?.('send', { quote: 'not a quote' }), []);
  assert.deepEqual(module.carriedSignatures?.('send', 7n), []);
});
