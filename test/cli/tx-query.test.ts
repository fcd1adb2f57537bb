// `tally tx` and `tally query` as a user runs them: real `tally` processes against a real one-validator
// network (TLS, LMDB), plus the pure parts (names, amounts, JSON arguments) on their own.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createProgram } from '../../src/cli/main.ts';
import {
  bankIdFromName,
  formatAmount,
  parseAmount,
  parseBankIdRef,
  parseSendCall,
} from '../../src/cli/tx-args.ts';
import { saveKeyFile } from '../../src/crypto/keyfile.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { toHex } from '../../src/util/bytes.ts';
import { TallyError } from '../../src/util/errors.ts';
import { TestNetwork } from '../e2e/harness.ts';
import { findFreePortRun } from '../support/ports.ts';
import { runTally, type TallyResult } from './tally-process.ts';

describe('tx arguments', () => {
  it('reads amounts in the currency decimals and prints them back', () => {
    assert.equal(parseAmount('12.34', 2, '--amount'), 1234n);
    assert.equal(parseAmount('12', 2, '--amount'), 1200n);
    assert.equal(parseAmount('0.5', 2, '--amount'), 50n);
    assert.equal(formatAmount(1234n, 2), '12.34');
    assert.equal(formatAmount(-5n, 2), '-0.05');
    assert.equal(formatAmount(7n, 0), '7');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.nat(18), (minor, decimals) => {
        assert.equal(parseAmount(formatAmount(minor, decimals), decimals, 'a'), minor);
      }),
    );
  });

  it('error: an amount with more decimals than the currency, or not a number', () => {
    assert.throws(() => parseAmount('1.234', 2, '--amount'), {
      code: 'bad_option',
      message: '--amount: 1.234 has 3 decimals; the currency has 2.',
    });
    assert.throws(() => parseAmount('-1', 2, '--amount'), { code: 'bad_option' });
    assert.throws(() => parseAmount('1e3', 2, '--amount'), { code: 'bad_option' });
  });

  it('names an account by a hash of its name, and takes 32 hex digits as the id itself', () => {
    const id = bankIdFromName('hk-wallet/float');
    assert.equal(id.length, 16);
    assert.deepEqual(parseBankIdRef('hk-wallet/float', 'x'), id);
    assert.notDeepEqual(bankIdFromName('hk-wallet/floaT'), id);
    assert.equal(toHex(parseBankIdRef(`0x${toHex(id)}`, 'x')), toHex(id));
    assert.throws(() => parseBankIdRef('has space', '--from'), {
      code: 'bad_option',
      message: /^--from: 'has space' is neither an id/,
    });
  });

  it('converts tx send JSON with the SDK conventions', () => {
    const call = parseSendCall(
      'bank.create_transfer',
      '{"id":"t-1","debitAccountId":"a","creditAccountId":"b","amount":"1234","currency":"HKD"}',
    );
    assert.equal(call.module, 'bank');
    assert.equal(call.method, 'create_transfer');
    const args = call.args as Record<string, unknown>;
    assert.deepEqual(args.debitAccountId, bankIdFromName('a'));
    assert.equal(args.amount, 1234n);
    const other = parseSendCall('notes.put', '{"key":"0x00ff","n":3,"text":"hi"}');
    assert.deepEqual(other.args, { key: new Uint8Array([0, 255]), n: 3, text: 'hi' });
  });

  it('error: tx send refuses unknown arguments, methods and floats before signing', () => {
    const send = (target: string, json: string) => () => parseSendCall(target, json);
    assert.throws(send('bank.issue', '{"ammount":"1"}'), {
      code: 'invalid_args',
      message: /^args\.ammount: not an argument here; expected id, accountId, amount/,
    });
    assert.throws(send('bank.fly', '{}'), {
      code: 'bad_option',
      message: /bank has no method fly/,
    });
    assert.throws(send('bank', '{}'), { code: 'bad_option' });
    assert.throws(send('notes.put', '{"x":1.5}'), { code: 'invalid_args' });
    assert.throws(send('bank.issue', '{"id":"i","accountId":"a","amount":"1","currency":"hkd"}'), {
      code: 'invalid_args',
      message: /currency: expected three capital letters/,
    });
    assert.throws(send('bank.issue', 'nope'), (e) => e instanceof TallyError);
  });
});

describe('tally tx and tally query on a running network', { timeout: 120_000 }, () => {
  let net: TestNetwork;
  let at: string[];

  before(async () => {
    net = await TestNetwork.create(1);
    net.startAll();
    await net.waitReady(0, 60_000);
    at = ['--network', net.network.dir];
  });
  after(() => net?.close());

  const tally = (...args: string[]) => runTally([...args, ...at]);
  const ok = (r: TallyResult) => assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);

  it('sets up a currency and moves money with tx commands; query shows the balances', async () => {
    const registered = await tally('tx', 'register-currency', 'HKD', '--decimals', '2');
    ok(registered);
    assert.match(registered.stdout, /^status: {2}final at height \d+, index 0$/m);
    assert.match(registered.stdout, /^result: {2}ok$/m);
    assert.match(registered.stdout, /^ {2}bank\.currency_registered /m);
    // One at a time: a one-validator node given two transactions at once can leave one out for
    // good (reported to the lead), which is not what this test is about.
    ok(await tally('tx', 'create-account', 't/alice', '--currency', 'HKD'));
    const bob = { id: 't/bob', currency: 'HKD', flags: ['debits_must_not_exceed_credits'] };
    ok(await tally('tx', 'send', 'bank.create_account', '--args', JSON.stringify(bob)));
    ok(await tally('tx', 'issue', '--to', 't/alice', '--amount', '100', '--currency', 'HKD'));
    const moved = await tally(
      'tx',
      'transfer',
      ...['--from', 't/alice', '--to', 't/bob', '--amount', '12.34', '--currency', 'HKD'],
    );
    ok(moved);
    assert.match(moved.stdout, /bank\.transfer_created .*amount=1234/);
    const [alice, bobAccount] = await Promise.all([
      tally('query', 'balance', 't/alice'),
      tally('query', 'account', 't/bob', '--json'),
    ]);
    ok(alice);
    assert.equal(alice.stdout, 'balance:   87.66 HKD\navailable: 87.66 HKD\n');
    const account = JSON.parse(bobAccount.stdout);
    assert.equal(account.id, toHex(bankIdFromName('t/bob')));
    assert.equal(account.currency, 'HKD');
    assert.equal(account.balance, '1234');
    assert.deepEqual(account.flags, ['debits_must_not_exceed_credits']);
  });

  it('tx send with JSON arguments, then query tx shows the same receipt', async () => {
    const args = JSON.stringify({
      id: 't/transfer-7',
      debitAccountId: 't/bob',
      creditAccountId: 't/alice',
      amount: '34',
      currency: 'HKD',
    });
    const sent = await tally('tx', 'send', 'bank.create_transfer', '--args', args, '--json');
    ok(sent);
    const receipt = JSON.parse(sent.stdout);
    assert.equal(receipt.status, 'final');
    assert.equal(receipt.code, 'ok');
    const queried = await tally('query', 'tx', receipt.txId, '--json');
    ok(queried);
    assert.deepEqual(JSON.parse(queried.stdout), receipt);
  });

  it('error: a transfer beyond the balance exits 1 with its result code', async () => {
    const failed = await tally(
      'tx',
      'transfer',
      ...['--from', 't/bob', '--to', 't/alice', '--amount', '1000', '--currency', 'HKD'],
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^result: {2}exceeds_credits$/m);
    assert.match(failed.stderr, /^error \[exceeds_credits\]: transaction [0-9a-f]{64} failed/);
  });

  it('query state --verify checks the proof and certificate and says so', async () => {
    const verified = await tally('query', 'state', 'account:t/alice', '--verify');
    ok(verified);
    assert.match(verified.stdout, /^decoded: +\[/m);
    assert.match(verified.stdout, /^verified: the proof leads to the state root of block \d+/m);
  });

  it('query state transfer:<id> proves a transfer (a record) and says when there is none', async () => {
    const verified = await tally('query', 'state', 'transfer:t/transfer-7', '--verify');
    ok(verified);
    assert.match(verified.stdout, /^decoded: +\[/m);
    assert.match(verified.stdout, /^verified: the proof leads to the state root of block \d+/m);
    const absent = await tally('query', 'state', 'transfer:t/never-made', '--verify');
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /^error \[not_found\]: record at height \d+ not found/m);
  });

  it('query block, validators and status read the chain', async () => {
    const [block, validators, status] = await Promise.all([
      tally('query', 'block', 'latest', '--verify'),
      tally('query', 'validators', '--json'),
      tally('query', 'status'),
    ]);
    ok(block);
    assert.match(block.stdout, /^certified: +yes$/m);
    assert.match(block.stdout, /^verified: a quorum of validators signed this block/m);
    ok(validators);
    assert.equal(JSON.parse(validators.stdout).validators[0].orgId, 'hk-wallet');
    ok(status);
    assert.match(status.stdout, /^chain: +tally-e2e$/m);
  });

  it('error: a key the genesis does not register is refused with a hint', async () => {
    const file = join(net.network.dir, 'stranger.key');
    saveKeyFile(file, getSuite('ed25519').generateKeyPair(), 'pw', { scryptN: 1024 });
    const result = await runTally(
      ['query', 'balance', 't/alice', '--key-file', file, '--url', net.nodes[0]!.apiUrl],
      { TALLY_PASSPHRASE: 'pw' },
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error \[unauthenticated\]: the node refused the key /);
    assert.match(result.stderr, /Is it registered in this network's genesis/);
  });

  it('error: an unreachable node says to start the network', async () => {
    const port = await findFreePortRun(1);
    const result = await runTally(['query', 'status', '--url', `http://127.0.0.1:${port}`]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^error \[node_unreachable\]: cannot reach the node at http:\/\/127\.0\.0\.1:\d+: is the network running\? try 'tally network up/,
    );
  });
});

describe('tally tx and query help', () => {
  it('prints help with examples for every tx and query command', () => {
    const program = createProgram();
    for (const group of ['tx', 'query']) {
      const parent = program.commands.find((c) => c.name() === group)!;
      const names = parent.commands.map((c) => c.name());
      assert.deepEqual(
        names,
        group === 'tx'
          ? ['send', 'transfer', 'issue', 'create-account', 'register-currency']
          : ['account', 'balance', 'tx', 'block', 'state', 'validators', 'evidence', 'status'],
      );
      for (const command of parent.commands) {
        let text = '';
        command.configureOutput({ writeOut: (s) => (text += s) });
        command.outputHelp();
        assert.match(text, new RegExp(`^Usage: tally ${group} ${command.name()} `));
        assert.match(text, new RegExp(`Examples:\\n {2}\\$ tally ${group} `), command.name());
      }
    }
  });
});
