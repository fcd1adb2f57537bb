// `tally remit` reports and ISO 20022: a pacs.008 in through your node's gateway (the pacs.002 out),
// an account's statement (CSV, camt.053, JSON) and a day's net positions between organisations.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatMinor } from '../modules/fx/decimal.ts';
import { getNetPositions, getStatement, submitPacs008 } from '../sdk/index.ts';
import { TallyError } from '../util/errors.ts';
import { connect, withConnection } from './client-key.ts';
import { addRemit, Decimals, parseTimeOption, type RemitOptions } from './remit-format.ts';
import { parseBankIdRef } from './tx-args.ts';
import { printJson } from './tx-command.ts';

export function registerReports(remit: Command): void {
  addRemit(
    remit,
    'pacs008',
    'initiate a remittance with an ISO 20022 pacs.008 message; prints the pacs.002 answer',
    ['tally remit pacs008 payment.xml --org hk-wallet', 'cat payment.xml | tally remit pacs008 -'],
  )
    .argument('<file.xml>', "the pacs.008.001.08 message ('-': standard input)")
    .action(async (file: string, options: RemitOptions) => {
      let xml: string;
      try {
        xml = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (cause) {
        throw new TallyError('bad_option', `cannot read ${file}: ${(cause as Error).message}`, {
          cause,
        });
      }
      const connection = connect(options, 'submit');
      const { pacs002 } = await withConnection(connection, (client) =>
        submitPacs008(client, { xml }),
      );
      if (options.json) printJson({ pacs002 });
      else console.log(pacs002);
      const status = /<TxSts>([A-Z]{4})<\/TxSts>/.exec(pacs002)?.[1];
      if (status === 'RJCT')
        throw new TallyError('rejected', 'the pacs.002 reports RJCT: see its StsRsnInf.');
    });
  addRemit(remit, 'statement', "an account's statement as CSV or camt.053 (or JSON)", [
    'tally remit statement settlement-bank/hk-wallet --format csv --from 2026-03-14 --to 2026-03-15',
    'tally remit statement 5f0c... --format camt053 > statement.xml',
  ])
    .argument('<account>', 'the account: 32 hex digits or a name')
    .option('--format <format>', 'csv, camt053 or json', 'csv')
    .option('--from <time>', 'from this time: unix ms or a date (UTC) such as 2026-03-14')
    .option('--to <time>', 'up to this time')
    .action(
      async (
        ref: string,
        options: RemitOptions & { format: string; from?: string; to?: string },
      ) => {
        const format = options.json ? 'json' : options.format;
        if (format !== 'csv' && format !== 'camt053' && format !== 'json')
          throw new TallyError('bad_option', `--format ${format}: expected csv, camt053 or json.`);
        const accountId = parseBankIdRef(ref, '<account>');
        const fromMs = parseTimeOption(options.from, '--from');
        const toMs = parseTimeOption(options.to, '--to');
        const connection = connect(options, 'read');
        const s = await withConnection(connection, (client) =>
          getStatement(client, { accountId, format, fromMs, toMs }),
        );
        if (s.format === 'json') printJson(s.statement);
        else process.stdout.write(s.text.endsWith('\n') ? s.text : `${s.text}\n`);
      },
    );
  addRemit(remit, 'positions', 'end-of-day net positions between organisations for a UTC day', [
    'tally remit positions 2026-03-14',
    'tally remit positions 2026-03-14 --format csv',
  ])
    .argument('<day>', 'the UTC day, YYYY-MM-DD')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (day: string, options: RemitOptions & { format: string }) => {
      const format = options.json ? 'json' : options.format;
      if (format !== 'table' && format !== 'csv' && format !== 'json')
        throw new TallyError('bad_option', `--format ${format}: expected table, csv or json.`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
        throw new TallyError('bad_option', `<day> must be YYYY-MM-DD, not '${day}'.`);
      const connection = connect(options, 'read');
      await withConnection(connection, async (client) => {
        const p = await getNetPositions(client, { day, format: format === 'csv' ? 'csv' : 'json' });
        if (p.format === 'csv')
          return process.stdout.write(p.text.endsWith('\n') ? p.text : `${p.text}\n`);
        if (format === 'json') return printJson(p);
        const d = new Decimals(client);
        for (const x of p.positions) {
          const decimals = await d.of(x.currency);
          const amount =
            decimals === undefined ? `${x.amount} (minor)` : formatMinor(x.amount, decimals);
          console.log(`${x.payer} owes ${x.payee}  ${amount} ${x.currency}`);
        }
        if (p.positions.length === 0) console.log(`no obligations on ${day}`);
      });
    });
}
