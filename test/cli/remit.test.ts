// `tally remit`: help on every subcommand, and the inputs it refuses before reaching any node (UETRs,
// amounts, quote files, reasons, formats), run in-process through the real command tree.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Command } from 'commander';
import { createProgram } from '../../src/cli/main.ts';
import {
  parseAmountOption,
  parseTimeOption,
  parseUetrArg,
  readQuoteFile,
} from '../../src/cli/remit-format.ts';
import { CodecError } from '../../src/codec/index.ts';
import type { Quote } from '../../src/modules/fx/quote.ts';
import { signedQuoteToJson } from '../../src/modules/fx/quote-json.ts';
import { signQuote } from '../../src/modules/fx/verify.ts';
import { TallyError } from '../../src/util/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'tally-remit-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const subcommands = [
  'quote',
  'send',
  'accept',
  'reject',
  'review',
  'status',
  'history',
  'pacs008',
  'statement',
  'positions',
];
const uetr = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
const nowhere = ['--url', 'http://127.0.0.1:9'];

/** The program with every command's output captured (commander copies settings only at creation). */
function program(): { root: Command; out: string[] } {
  const out: string[] = [];
  const root = createProgram();
  const capture = (command: Command) => {
    command.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
    for (const sub of command.commands) capture(sub);
  };
  capture(root);
  return { root, out };
}

async function run(args: readonly string[]): Promise<void> {
  await program().root.parseAsync(['node', 'tally', ...args]);
}

function quoteFile(name: string, over: Partial<Quote>): string {
  const quote: Quote = {
    id: new Uint8Array(16).fill(1),
    provider: 'settlement-bank',
    sendCurrency: 'HKD',
    receiveCurrency: 'PHP',
    rate: '7.2512',
    sendAmount: 100_000n,
    fee: 1_000n,
    totalDebit: 101_000n,
    receiveAmount: 725_120n,
    issuedAtMs: Date.now(),
    expiresAtMs: Date.now() + 60_000,
    ...over,
  };
  const path = join(dir, name);
  const signed = signQuote(quote, 'ed25519', new Uint8Array(32).fill(3));
  writeFileSync(path, JSON.stringify(signedQuoteToJson(signed)));
  return path;
}

describe('tally remit', () => {
  it('prints help for remit and each of its subcommands, with examples', async () => {
    for (const sub of ['', ...subcommands]) {
      const { root, out } = program();
      const args = ['node', 'tally', 'remit', ...(sub === '' ? [] : [sub]), '--help'];
      await assert.rejects(root.parseAsync(args), { code: 'commander.helpDisplayed' });
      const text = out.join('');
      assert.match(text, /^Usage: tally remit/, sub);
      assert.match(text, /Examples:/, sub);
    }
  });

  it('error: a remittance id that is not a UUID v4', async () => {
    await assert.rejects(run(['remit', 'status', 'not-a-uetr', ...nowhere]), {
      code: 'bad_option',
      message: /^<uetr>: expected a UUID v4/,
    });
    await assert.rejects(
      run(['remit', 'accept', 'f47ac10b-58cc-1372-a567-0e02b2c3d479', ...nowhere]),
      { code: 'bad_option', message: /UUID v4/ },
    );
    assert.equal(parseUetrArg(uetr.toUpperCase()).length, 16);
  });

  it('error: quote with both or neither of --send and --receive', async () => {
    const base = ['remit', 'quote', '--from', 'HKD', '--to', 'PHP', ...nowhere];
    for (const extra of [[], ['--send', '1', '--receive', '2']])
      await assert.rejects(run([...base, ...extra]), {
        code: 'bad_option',
        message: /exactly one of --send/,
      });
  });

  it('error: send with an expired quote, or a quote file that is not one', async () => {
    const send = (quote: string) =>
      run([
        'remit',
        'send',
        '--quote',
        quote,
        '--from-account',
        'hk-wallet/alice',
        '--to-account',
        'ph-wallet/maria',
        '--originator-name',
        'Alice Chan',
        '--beneficiary-name',
        'Maria Santos',
        ...nowhere,
      ]);
    const expired = quoteFile('expired.json', {
      issuedAtMs: 1_000,
      expiresAtMs: 2_000,
    });
    await assert.rejects(send(expired), { code: 'quote_expired', message: /tally remit quote/ });
    await assert.rejects(send(join(dir, 'missing.json')), {
      code: 'bad_option',
      message: /^--quote: cannot read/,
    });
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'rate=7');
    await assert.rejects(send(notJson), { code: 'bad_option', message: /is not JSON/ });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"quote":{},"suite":"ed25519"}');
    await assert.rejects(send(broken), CodecError);
  });

  it('reads back a quote file that tally remit quote writes', () => {
    const path = quoteFile('good.json', {});
    const signed = readQuoteFile(path);
    assert.equal(signed.quote.totalDebit, 101_000n);
    assert.equal(signed.quote.rate, '7.2512');
  });

  it('error: a reject reason, review decision, statement or positions format out of range', async () => {
    await assert.rejects(run(['remit', 'reject', uetr, '--reason', 'ac4', ...nowhere]), {
      code: 'bad_option',
      message: /4-character ISO 20022 code/,
    });
    await assert.rejects(run(['remit', 'review', uetr, '--decision', 'maybe', ...nowhere]), {
      code: 'bad_option',
    });
    await assert.rejects(
      run(['remit', 'statement', 'hk-wallet/float', '--format', 'pdf', ...nowhere]),
      { code: 'bad_option', message: /csv, camt053 or json/ },
    );
    await assert.rejects(run(['remit', 'positions', '14/03/2026', ...nowhere]), {
      code: 'bad_option',
      message: /YYYY-MM-DD/,
    });
    await assert.rejects(
      run(['remit', 'statement', 'hk-wallet/float', '--from', 'yesterday', ...nowhere]),
      { code: 'bad_option', message: /^--from:/ },
    );
  });

  it('reads amounts in the currency decimals and times as ms or UTC dates', () => {
    assert.equal(parseAmountOption('1000.00', 2, '--send'), 100_000n);
    assert.equal(parseAmountOption('7000', 2, '--receive'), 700_000n);
    assert.throws(() => parseAmountOption('1.234', 2, '--send'), CodecError);
    assert.throws(() => parseAmountOption('0', 2, '--send'), TallyError);
    assert.throws(() => parseAmountOption('-5', 2, '--send'), CodecError);
    assert.equal(parseTimeOption('2026-03-14', '--from'), Date.UTC(2026, 2, 14));
    assert.equal(parseTimeOption('1700000000000', '--to'), 1_700_000_000_000);
    assert.equal(parseTimeOption(undefined, '--to'), undefined);
  });
});
