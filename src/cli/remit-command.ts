// `tally remit`: the cross-border remittance from the command line (docs/api.md "Remittance"): a
// quote from the FX provider's node, then send, accept, reject and review through the gateway of your
// own organisation's node; status, history, pacs.008 in / pacs.002 out, statements and net positions.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { signedQuoteToJson } from '../modules/fx/quote-json.ts';
import {
  acceptRemittanceViaGateway,
  type Client,
  createClient,
  getRemittance,
  listRemittances,
  rejectRemittanceViaGateway,
  requestQuote,
  reviewRemittanceViaGateway,
  sendRemittanceViaGateway,
  type TravelRule,
} from '../sdk/index.ts';
import { TallyError } from '../util/errors.ts';
import { type Connection, connect, withConnection } from './client-key.ts';
import {
  addRemit,
  checkAnswer,
  Decimals,
  examples,
  parseAmountOption,
  parseUetrArg,
  printAnswer,
  printRows,
  quoteRows,
  type RemitOptions,
  readQuoteFile,
  remittanceRows,
} from './remit-format.ts';
import { registerReports } from './remit-reports.ts';
import { parseBankIdRef } from './tx-args.ts';
import { printJson } from './tx-command.ts';

type GatewayOptions = RemitOptions & { wait: boolean };

function addGateway(
  remit: Command,
  name: string,
  description: string,
  lines: readonly string[],
): Command {
  return addRemit(remit, name, description, lines).option(
    '--no-wait',
    'answer once the node admits the transaction, without waiting for finality',
  );
}

/** A client for the FX provider's node: --url as given, else the node of --fx-org (or the first fx-provider). */
function fxClient(connection: Connection, options: { url?: string; fxOrg?: string }): Client {
  if (options.url !== undefined) return connection.client;
  const network = connection.network;
  if (network === undefined)
    throw new TallyError(
      'no_node',
      'no FX node to ask: pass --url <the FX provider node URL> or --network <dir>.',
    );
  const org =
    options.fxOrg ?? network.genesis.organizations.find((o) => o.roles.includes('fx-provider'))?.id;
  const node = network.nodes.find((n) => n.orgId === org);
  if (org === undefined || node === undefined)
    throw new TallyError(
      'no_fx_node',
      `${network.dir} has no node of ${org ?? 'an fx-provider organisation'}: pass --fx-org or --url.`,
    );
  return createClient({
    url: node.apiUrl,
    ...(connection.client.account === undefined ? {} : { account: connection.client.account }),
    chainId: network.genesis.chainId,
  });
}

type QuoteOptions = RemitOptions & {
  from: string;
  to: string;
  send?: string;
  receive?: string;
  fxOrg?: string;
  out?: string;
};

function registerQuote(remit: Command): void {
  addRemit(remit, 'quote', "ask the FX provider's node for a signed quote", [
    'tally remit quote --org hk-wallet --from HKD --to PHP --send 1000.00 --out quote.json',
    'tally remit quote --from HKD --to PHP --receive 7000.00 --json > quote.json',
  ])
    .requiredOption('--from <code>', 'the currency the sender pays in, e.g. HKD')
    .requiredOption('--to <code>', 'the currency the beneficiary receives, e.g. PHP')
    .option(
      '--send <amount>',
      'the principal the sender sends, e.g. 1000.00 (the fee comes on top)',
    )
    .option('--receive <amount>', 'what the beneficiary must receive, e.g. 7000.00')
    .option('--fx-org <orgId>', 'the FX provider (default: the first fx-provider in --network)')
    .option('--out <file>', 'write the signed quote here, for tally remit send --quote')
    .action(async (options: QuoteOptions) => {
      if ((options.send === undefined) === (options.receive === undefined))
        throw new TallyError(
          'bad_option',
          'give exactly one of --send <amount> and --receive <amount>.',
        );
      const connection = connect(options, 'submit');
      await withConnection(connection, async (client) => {
        const d = new Decimals(client);
        const sendDecimals = await d.required(options.from, '--from');
        const receiveDecimals = await d.required(options.to, '--to');
        const minor =
          options.send !== undefined
            ? parseAmountOption(options.send, sendDecimals, '--send')
            : parseAmountOption(options.receive ?? '', receiveDecimals, '--receive');
        const quote = await requestQuote(fxClient(connection, options), {
          sendCurrency: options.from,
          receiveCurrency: options.to,
          ...(options.send !== undefined ? { sendAmount: minor } : { receiveAmount: minor }),
        });
        const json = signedQuoteToJson(quote);
        if (options.out !== undefined)
          writeFileSync(options.out, `${JSON.stringify(json, null, 2)}\n`);
        if (options.json) return console.log(JSON.stringify(json, null, 2));
        printRows(await quoteRows(quote, d, Date.now()));
        console.log(
          options.out === undefined
            ? '(add --out quote.json to keep it for tally remit send)'
            : `saved to ${options.out}: send it with 'tally remit send --quote ${options.out} ...'`,
        );
      });
    });
}

type SendOptions = GatewayOptions & {
  quote: string;
  fromAccount: string;
  toAccount: string;
  originatorName: string;
  beneficiaryName: string;
  originatorRef?: string;
  beneficiaryRef?: string;
  purpose?: string;
  corridor?: string;
  id?: string;
  endToEndId?: string;
};

function travelRuleOf(options: SendOptions): TravelRule {
  const party = (name: string, ref: string) => ({ name, accountRef: ref });
  return {
    originator: party(options.originatorName, options.originatorRef ?? options.fromAccount),
    beneficiary: party(options.beneficiaryName, options.beneficiaryRef ?? options.toAccount),
    ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
  };
}

function registerSend(remit: Command): void {
  addGateway(remit, 'send', "send a remittance through your organisation's node (its gateway)", [
    "tally remit send --org hk-wallet --quote quote.json --from-account hk-wallet/alice --to-account ph-wallet/maria --originator-name 'Alice Chan' --beneficiary-name 'Maria Santos'",
    'tally remit quote --from HKD --to PHP --send 500 --json | tally remit send --quote - --from-account 5f0c... --to-account 9a1b... --originator-name A --beneficiary-name B --id f47ac10b-58cc-4372-a567-0e02b2c3d479',
  ])
    .requiredOption(
      '--quote <file>',
      "the signed quote from 'tally remit quote' ('-': standard input)",
    )
    .requiredOption('--from-account <account>', "the sender's account: 32 hex digits or a name")
    .requiredOption('--to-account <account>', "the beneficiary's account: 32 hex digits or a name")
    .requiredOption('--originator-name <name>', "the sender's full name (Travel Rule; encrypted)")
    .requiredOption(
      '--beneficiary-name <name>',
      "the beneficiary's full name (Travel Rule; encrypted)",
    )
    .option('--originator-ref <ref>', "the sender's wallet reference (default: --from-account)")
    .option('--beneficiary-ref <ref>', "the beneficiary's wallet reference (default: --to-account)")
    .option('--purpose <text>', 'the purpose of the payment')
    .option(
      '--corridor <id>',
      'the corridor (default: <send>-<receive> currency of the quote, e.g. HKD-PHP)',
    )
    .option(
      '--id <uetr>',
      'the UETR (a UUID v4); a retry with the same one is harmless. Random if left out',
    )
    .option(
      '--end-to-end-id <id>',
      'your reference, carried to ISO 20022 messages (up to 35 characters)',
    )
    .action(async (options: SendOptions) => {
      const quote = readQuoteFile(options.quote);
      const q = quote.quote;
      if (q.expiresAtMs <= Date.now())
        throw new TallyError(
          'quote_expired',
          `the quote expired at ${new Date(q.expiresAtMs).toISOString()}: ask for a new one with 'tally remit quote'.`,
        );
      const connection = connect(options, 'submit');
      const id = options.id === undefined ? undefined : parseUetrArg(options.id);
      await withConnection(connection, async (client) => {
        const answer = await sendRemittanceViaGateway(client, {
          ...(id === undefined ? {} : { id }),
          corridor: options.corridor ?? `${q.sendCurrency}-${q.receiveCurrency}`,
          quote,
          senderAccountId: parseBankIdRef(options.fromAccount, '--from-account'),
          beneficiaryAccountId: parseBankIdRef(options.toAccount, '--to-account'),
          travelRule: travelRuleOf(options),
          ...(options.endToEndId === undefined ? {} : { endToEndId: options.endToEndId }),
          wait: options.wait,
        });
        if (options.json) printJson(answer);
        else await printAnswer(answer, new Decimals(client), Date.now());
        checkAnswer(answer);
      });
    });
}

function registerDecisions(remit: Command): void {
  addGateway(
    remit,
    'accept',
    'accept a pending remittance as the receiving wallet: every leg posts',
    ['tally remit accept f47ac10b-58cc-4372-a567-0e02b2c3d479 --org ph-wallet'],
  )
    .argument('<uetr>', 'the remittance (its UETR)')
    .action(async (uetr: string, options: GatewayOptions) => {
      const id = parseUetrArg(uetr);
      await answerWith(options, (client) =>
        acceptRemittanceViaGateway(client, { id, wait: options.wait }),
      );
    });
  addGateway(
    remit,
    'reject',
    'reject a pending remittance as the receiving wallet: every leg voids, the sender is refunded',
    [
      'tally remit reject f47ac10b-58cc-4372-a567-0e02b2c3d479 --reason AC04 --org ph-wallet',
      "tally remit reject f47ac10b-... --reason BE01 --message 'name does not match the account'",
    ],
  )
    .argument('<uetr>', 'the remittance (its UETR)')
    .requiredOption(
      '--reason <code>',
      'ISO 20022 status reason code: AC04 closed account, AC06 blocked, BE01 name mismatch, ...',
    )
    .option('--message <text>', 'a note for the sender (up to 140 characters)')
    .action(
      async (uetr: string, options: GatewayOptions & { reason: string; message?: string }) => {
        const id = parseUetrArg(uetr);
        if (!/^[A-Z0-9]{4}$/.test(options.reason))
          throw new TallyError(
            'bad_option',
            `--reason ${options.reason}: expected a 4-character ISO 20022 code such as AC04.`,
          );
        await answerWith(options, (client) =>
          rejectRemittanceViaGateway(client, {
            id,
            reason: options.reason,
            message: options.message,
            wait: options.wait,
          }),
        );
      },
    );
  addGateway(
    remit,
    'review',
    'release or refuse a remittance held by sanctions screening (bank or regulator)',
    [
      "tally remit review f47ac10b-... --decision release --note 'false positive' --org settlement-bank",
    ],
  )
    .argument('<uetr>', 'the remittance (its UETR)')
    .requiredOption('--decision <decision>', 'release or refuse')
    .option('--note <text>', 'why (up to 140 characters)')
    .action(async (uetr: string, options: GatewayOptions & { decision: string; note?: string }) => {
      const id = parseUetrArg(uetr);
      const decision = options.decision;
      if (decision !== 'release' && decision !== 'refuse')
        throw new TallyError('bad_option', `--decision ${decision}: expected release or refuse.`);
      await answerWith(options, (client) =>
        reviewRemittanceViaGateway(client, {
          id,
          decision,
          note: options.note,
          wait: options.wait,
        }),
      );
    });
}

async function answerWith(
  options: GatewayOptions,
  call: (client: Client) => ReturnType<typeof acceptRemittanceViaGateway>,
): Promise<void> {
  const connection = connect(options, 'submit');
  await withConnection(connection, async (client) => {
    const answer = await call(client);
    if (options.json) printJson(answer);
    else await printAnswer(answer, new Decimals(client), Date.now());
    checkAnswer(answer);
  });
}

function registerReads(remit: Command): void {
  addRemit(
    remit,
    'status',
    'show a remittance: status, amounts, deadline, reason, Travel-Rule data if entitled',
    [
      'tally remit status f47ac10b-58cc-4372-a567-0e02b2c3d479',
      'tally remit status f47ac10b-58cc-4372-a567-0e02b2c3d479 --org ph-wallet --json',
    ],
  )
    .argument('<uetr>', 'the remittance (its UETR)')
    .action(async (uetr: string, options: RemitOptions) => {
      const id = parseUetrArg(uetr);
      const connection = connect(options, 'read');
      await withConnection(connection, async (client) => {
        const r = await getRemittance(client, { id }).catch((error: unknown) => {
          if (error instanceof TallyError && error.code === 'not_found')
            throw new TallyError('remittance_not_found', `no remittance ${uetr} on this chain.`);
          throw error;
        });
        if (options.json) return printJson(r.raw);
        printRows(await remittanceRows(r, new Decimals(client), Date.now()));
      });
    });
  addRemit(remit, 'history', "list your organisation's remittances, newest first", [
    'tally remit history --org hk-wallet',
    'tally remit history --limit 100 --before 42 --json',
  ])
    .option('--limit <n>', 'how many (1 to 100)', '20')
    .option('--before <cursor>', "the 'next' of the previous page")
    .action(async (options: RemitOptions & { limit: string; before?: string }) => {
      if (!/^\d+$/.test(options.limit))
        throw new TallyError('bad_option', '--limit must be 1 to 100.');
      if (options.before !== undefined && !/^\d+$/.test(options.before))
        throw new TallyError('bad_option', '--before must be a whole number.');
      const connection = connect(options, 'read');
      await withConnection(connection, async (client) => {
        const page = await listRemittances(client, {
          limit: Number(options.limit),
          ...(options.before === undefined ? {} : { before: Number(options.before) }),
        });
        if (options.json)
          return printJson({ items: page.items.map((r) => r.raw), next: page.next });
        const d = new Decimals(client);
        for (const r of page.items)
          console.log(
            `${r.uetr}  ${r.status.padEnd(9)}  ${r.corridor.padEnd(8)}  ${await d.text(r.totalDebit, r.sendCurrency)} -> ${await d.text(r.receiveAmount, r.receiveCurrency)}`,
          );
        if (page.items.length === 0) console.log('no remittances');
        if (page.next !== undefined) console.log(`(more: --before ${page.next})`);
      });
    });
}

export function registerRemitCommand(program: Command): void {
  const remit = program
    .command('remit')
    .description(
      'cross-border remittance: quote, send, accept or reject, status, ISO 20022, statements',
    )
    .addHelpText(
      'after',
      `${examples([
        'tally remit quote --org hk-wallet --from HKD --to PHP --send 1000.00 --out quote.json',
        "tally remit send --org hk-wallet --quote quote.json --from-account hk-wallet/alice --to-account ph-wallet/maria --originator-name 'Alice Chan' --beneficiary-name 'Maria Santos'",
        'tally remit accept <uetr> --org ph-wallet',
        'tally remit status <uetr>',
      ])}
Amounts are decimals in the currency's units (1000.00 HKD). A remittance is named by its UETR, a UUID v4.
send, accept, reject, review and pacs008 go through the gateway of your organisation's node, which
signs with the organisation's key; quote asks the FX provider's node.
`,
    );
  registerQuote(remit);
  registerSend(remit);
  registerDecisions(remit);
  registerReads(remit);
  registerReports(remit);
}
