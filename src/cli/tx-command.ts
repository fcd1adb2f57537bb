// `tally tx`: sign a module call with an organisation's API key, submit it, wait for finality and
// print the receipt. `tx send` takes any call as JSON; transfer, issue, create-account and
// register-currency are the bank's calls with friendly options (account names, decimal amounts).
import type { Command } from 'commander';
import {
  buildTransaction,
  type Client,
  createAccount,
  createBankId,
  createTransfer,
  getCurrency,
  getStatus,
  issue,
  type ModuleEvent,
  registerCurrency,
  signTransaction,
  submitTransactions,
  waitForTransaction,
} from '../sdk/index.ts';
import { assert } from '../util/assert.ts';
import { toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import {
  addConnectionOptions,
  type Connection,
  type ConnectionOptions,
  connect,
  withConnection,
} from './client-key.ts';
import {
  buildCall,
  type ModuleCall,
  parseAmount,
  parseBankIdRef,
  parseSendCall,
} from './tx-args.ts';

export const waitSecondsDefault = 30;
export const waitSecondsMax = 600;
// Finality takes about a second: poll often, so the command returns soon after it.
const pollInitialMs = 50;
const pollMaxMs = 250;

/** JSON for scripts: bytes as hex, bigints as decimal strings (docs/api.md's encoding). */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(toJsonValue(value), null, 2));
}

/** What tx commands and `query tx` print about a transaction. */
export type ReceiptView = {
  readonly txId: string;
  readonly status: string;
  readonly height?: number | undefined;
  readonly index?: number | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  readonly events?: readonly ModuleEvent[] | undefined;
};

function formatEvent(event: ModuleEvent): string {
  const fields = Object.entries(event.attributes).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return `  ${event.module}.${event.type} ${fields.join(' ')}`;
}

export function formatReceipt(view: ReceiptView): string[] {
  const at =
    view.height === undefined ? '' : ` at height ${view.height}, index ${view.index ?? '?'}`;
  const lines = [`transaction ${view.txId}`, `status:  ${view.status}${at}`];
  if (view.code !== undefined)
    lines.push(`result:  ${view.code}${view.message ? ` (${view.message})` : ''}`);
  const events = view.events ?? [];
  if (events.length > 0) lines.push('events:', ...events.map(formatEvent));
  return lines;
}

type TxOptions = ConnectionOptions & { wait: boolean; json: boolean; timeout: string };

function parseWaitSeconds(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > waitSecondsMax)
    throw new TallyError('bad_option', `--timeout must be 1 to ${waitSecondsMax} seconds.`);
  return n;
}

async function chainIdOf(connection: Connection, client: Client): Promise<string> {
  return connection.network?.genesis.chainId ?? (await getStatus(client)).chainId;
}

/** Signs, submits and (unless --no-wait) waits; exit code 1 with the code when it is not 'ok'. */
async function submitCall(connection: Connection, call: ModuleCall, options: TxOptions) {
  const waitMs = parseWaitSeconds(options.timeout) * 1000;
  await withConnection(connection, async (client) => {
    const account = client.account;
    assert(account !== undefined, "connect(options, 'submit') gives a client with an account");
    const request = buildTransaction({ chainId: await chainIdOf(connection, client), ...call });
    const tx = signTransaction(account, request);
    const [result] = (await submitTransactions(client, { transactions: [tx] })).results;
    if (result === undefined || result.status === 'rejected')
      throw new TallyError(
        result?.code ?? 'rejected',
        `the node refused transaction ${tx.txId}: ${result?.message ?? 'no reason given'}`,
      );
    const view = options.wait
      ? await waitFinal(client, tx.txId, waitMs)
      : { txId: tx.txId, status: 'admitted' };
    if (options.json) printJson(view);
    else console.log(formatReceipt(view).join('\n'));
    if (!options.wait && !options.json)
      console.log('(not waiting for finality: tally query tx shows it)');
    if (view.code !== undefined && view.code !== 'ok')
      throw new TallyError(view.code, `transaction ${tx.txId} failed: ${view.code}`);
  });
}

async function waitFinal(client: Client, txId: string, timeoutMs: number): Promise<ReceiptView> {
  try {
    return await waitForTransaction(client, { txId, timeoutMs, pollInitialMs, pollMaxMs });
  } catch (error) {
    if (!(error instanceof TallyError) || error.code !== 'wait_timeout') throw error;
    throw new TallyError(
      'wait_timeout',
      `${error.message}: it may still become final; check with 'tally query tx ${txId}'.`,
      { details: error.details, cause: error },
    );
  }
}

// --- the commands ------------------------------------------------------------------------------

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

const accountHelp = `
Accounts and transfer ids are 32 hex digits, or names such as hk-wallet/alice: a name stands for
the first 16 bytes of SHA-256("tally/bank-id-name\\0" + name), the same id on every run.
The signing key is the organisation's API client key from the network folder (--org), or --key-file.
Exit code 1 when the node refuses the transaction or its result code is not ok.
`;

function addTxOptions(command: Command): Command {
  return addConnectionOptions(command)
    .option('--no-wait', 'return once the node admits it, without waiting for finality')
    .option('--timeout <seconds>', 'how long to wait for finality', String(waitSecondsDefault))
    .option('--json', 'print the receipt as JSON', false);
}

/** The currency's decimals, read from the chain, so that '12.34' means what the user meant. */
async function currencyDecimals(connection: Connection, code: string): Promise<number> {
  if (!/^[A-Z]{3}$/.test(code))
    throw new TallyError(
      'bad_option',
      `--currency ${code}: expected three capital letters, e.g. HKD.`,
    );
  try {
    return await withConnection(connection, async (c) => (await getCurrency(c, { code })).decimals);
  } catch (error) {
    if (error instanceof TallyError && error.code === 'not_found')
      throw new TallyError(
        'currency_not_found',
        `${code} is not registered on this chain: register it first with 'tally tx register-currency ${code} --decimals 2'.`,
      );
    throw error;
  }
}

function transferId(ref: string | undefined): Uint8Array {
  return ref === undefined ? createBankId() : parseBankIdRef(ref, '--id');
}

type TransferOptions = TxOptions & {
  from: string;
  to: string;
  amount: string;
  currency: string;
  id?: string;
};

function registerTransfer(tx: Command): void {
  addTxOptions(
    tx
      .command('transfer')
      .description('move money between two accounts of one currency (bank.create_transfer)')
      .requiredOption('--from <account>', 'the account debited (its owner signs)')
      .requiredOption('--to <account>', 'the account credited')
      .requiredOption('--amount <amount>', "a decimal amount in the currency's units, e.g. 12.34")
      .requiredOption('--currency <code>', 'ISO 4217 code, e.g. HKD')
      .option(
        '--id <id>',
        'the transfer id (a retry with the same id is harmless); random if left out',
      ),
  )
    .addHelpText(
      'after',
      examples([
        'tally tx transfer --org hk-wallet --from hk-wallet/alice --to hk-wallet/alice --amount 12.34 --currency HKD',
        'tally tx transfer --from 5f0c... --to 9a1b... --amount 5 --currency PHP --id invoice-42 --json',
      ]) + accountHelp,
    )
    .action(async (options: TransferOptions) => {
      const connection = connect(options, 'submit');
      const debitAccountId = parseBankIdRef(options.from, '--from');
      const creditAccountId = parseBankIdRef(options.to, '--to');
      const decimals = await currencyDecimals(connection, options.currency);
      const amount = parseAmount(options.amount, decimals, '--amount');
      const id = transferId(options.id);
      const call = buildCall('transfer', () =>
        createTransfer({ id, debitAccountId, creditAccountId, amount, currency: options.currency }),
      );
      await submitCall(connection, call, options);
    });
}

type IssueOptions = TxOptions & { to: string; amount: string; currency: string; id?: string };

function registerIssue(tx: Command): void {
  addTxOptions(
    tx
      .command('issue')
      .description("create money: the currency's issuer credits an account (bank.issue)")
      .requiredOption('--to <account>', 'the account credited')
      .requiredOption('--amount <amount>', "a decimal amount in the currency's units")
      .requiredOption('--currency <code>', 'ISO 4217 code of a currency your organisation issues')
      .option(
        '--id <id>',
        'the issue id (a retry with the same id is harmless); random if left out',
      ),
  )
    .addHelpText(
      'after',
      examples([
        'tally tx issue --org hk-wallet --to hk-wallet/alice --amount 1000 --currency HKD',
      ]) + accountHelp,
    )
    .action(async (options: IssueOptions) => {
      const connection = connect(options, 'submit');
      const accountId = parseBankIdRef(options.to, '--to');
      const decimals = await currencyDecimals(connection, options.currency);
      const amount = parseAmount(options.amount, decimals, '--amount');
      const id = transferId(options.id);
      const call = buildCall('issue', () =>
        issue({ id, accountId, amount, currency: options.currency }),
      );
      await submitCall(connection, call, options);
    });
}

type CreateAccountOptions = TxOptions & { currency: string; flags: string; owner?: string };

const accountFlagsDefault = 'debits_must_not_exceed_credits';

function registerCreateAccount(tx: Command): void {
  addTxOptions(
    tx
      .command('create-account')
      .description('open an account in one currency, owned by the signer (bank.create_account)')
      .argument('<account>', 'the new account: a name or 32 hex digits')
      .requiredOption('--currency <code>', 'ISO 4217 code, e.g. HKD')
      .option(
        '--flags <list>',
        "comma list of account flags, or 'none' (only the issuer may open an account that can overdraw)",
        accountFlagsDefault,
      )
      .option('--owner <publicKeyHex>', 'the key that may debit it, when not the signer'),
  )
    .addHelpText(
      'after',
      examples([
        'tally tx create-account hk-wallet/carol --org hk-wallet --currency HKD',
        'tally tx create-account 0123456789abcdef0123456789abcdef --currency PHP --json',
      ]) + accountHelp,
    )
    .action(async (ref: string, options: CreateAccountOptions) => {
      const connection = connect(options, 'submit');
      const id = parseBankIdRef(ref, '<account>');
      const flags = options.flags === 'none' ? [] : options.flags.split(',').map((f) => f.trim());
      const call = buildCall('create-account', () =>
        createAccount({
          id,
          currency: options.currency,
          flags: flags as never, // checked by the builder, which names a wrong flag
          ...(options.owner === undefined ? {} : { owner: options.owner.replace(/^0x/, '') }),
        }),
      );
      await submitCall(connection, call, options);
    });
}

type RegisterCurrencyOptions = TxOptions & { decimals: string; issuerAccount?: string };

function registerRegisterCurrency(tx: Command): void {
  addTxOptions(
    tx
      .command('register-currency')
      .description(
        "register a currency that the signer's organisation issues (needs the issuer role)",
      )
      .argument('<code>', 'ISO 4217 code, e.g. HKD')
      .requiredOption('--decimals <n>', 'digits after the decimal point (HKD: 2)')
      .option(
        '--issuer-account <account>',
        "the issuer's account (default: the name issuer/<code>)",
      ),
  )
    .addHelpText(
      'after',
      examples(['tally tx register-currency HKD --decimals 2 --org hk-wallet']) + accountHelp,
    )
    .action(async (code: string, options: RegisterCurrencyOptions) => {
      const connection = connect(options, 'submit');
      const issuerAccountId = parseBankIdRef(
        options.issuerAccount ?? `issuer/${code}`,
        '--issuer-account',
      );
      const decimals = Number(options.decimals);
      if (!/^\d+$/.test(options.decimals))
        throw new TallyError('bad_option', '--decimals must be a whole number, e.g. 2.');
      const call = buildCall('register-currency', () =>
        registerCurrency({ code, decimals, issuerAccountId }),
      );
      await submitCall(connection, call, options);
    });
}

type SendOptions = TxOptions & { args: string };

function registerSend(tx: Command): void {
  addTxOptions(
    tx
      .command('send')
      .description('sign and submit any module call, its arguments given as JSON')
      .argument('<call>', '<module>.<method>, e.g. bank.create_transfer')
      .option('--args <json>', 'the arguments as a JSON object', '{}'),
  )
    .addHelpText(
      'after',
      `${examples([
        `tally tx send bank.create_transfer --org hk-wallet --args '{"id":"invoice-7","debitAccountId":"hk-wallet/alice","creditAccountId":"hk-wallet/alice","amount":"1234","currency":"HKD"}'`,
        `tally tx send bank.issue --args '{"id":"0123456789abcdef0123456789abcdef","accountId":"hk-wallet/alice","amount":"100000","currency":"HKD"}' --no-wait`,
      ])}
JSON arguments follow the SDK: bank ids are 32 hex digits or names, other bytes hex, amounts are
minor units as decimal strings ("1234" is 12.34 HKD). For other modules, "0x..." strings are bytes.
${accountHelp}`,
    )
    .action(async (target: string, options: SendOptions) => {
      const call = parseSendCall(target, options.args);
      await submitCall(connect(options, 'submit'), call, options);
    });
}

export function registerTxCommand(program: Command): void {
  const tx = program
    .command('tx')
    .description(
      'sign and submit transactions with an API key; wait for finality; print the receipt',
    )
    .addHelpText(
      'after',
      examples([
        'tally tx transfer --from hk-wallet/alice --to hk-wallet/alice --amount 12.34 --currency HKD',
        'tally tx send bank.close_account --args \'{"id":"hk-wallet/bob"}\'',
      ]),
    );
  registerSend(tx);
  registerTransfer(tx);
  registerIssue(tx);
  registerCreateAccount(tx);
  registerRegisterCurrency(tx);
}
