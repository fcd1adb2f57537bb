// `tally query`: read accounts, balances, transactions, blocks, any state key (with its proof checked
// against the validator set on request), validators and node status. Human-readable by default,
// --json for scripts.
import type { Command } from 'commander';
import { decode } from '../codec/index.ts';
import { moduleKey, moduleRecordKey } from '../execution/index.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import { bankKeys } from '../modules/bank/index.ts';
import { genesisValidatorSet } from '../node/genesis.ts';
import {
  type Client,
  getAccount,
  getBlock,
  getCurrency,
  getEvidence,
  getLatestBlock,
  getProof,
  getStatus,
  getTransaction,
  getValidators,
  verifyBlockResponse,
  verifyStateProofResponse,
} from '../sdk/index.ts';
import { fromHex, toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import {
  addConnectionOptions,
  type Connection,
  type ConnectionOptions,
  connect,
  withConnection,
} from './client-key.ts';
import { formatAmount, parseBankIdRef } from './tx-args.ts';
import { formatReceipt, printJson, toJsonValue } from './tx-command.ts';

type QueryOptions = ConnectionOptions & { json: boolean };
type Row = readonly [label: string, value: string | number | boolean];

function printRows(rows: readonly Row[]): void {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  for (const [label, value] of rows) console.log(`${`${label}:`.padEnd(width)}${value}`);
}

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Adds the shared options and a help text; every query prints JSON with --json. */
function addQuery(
  query: Command,
  name: string,
  description: string,
  exampleLines: readonly string[],
): Command {
  return addConnectionOptions(query.command(name).description(description))
    .option('--json', 'print JSON (bytes hex, amounts decimal strings)', false)
    .addHelpText('after', examples(exampleLines));
}

/** Decimals of a currency for display; undefined when the currency cannot be read. */
async function decimalsOf(client: Client, code: string): Promise<number | undefined> {
  try {
    return (await getCurrency(client, { code })).decimals;
  } catch {
    return undefined; // shown in minor units instead
  }
}

function amountText(minor: bigint, decimals: number | undefined, currency: string): string {
  return decimals === undefined
    ? `${minor} (minor units of ${currency})`
    : `${formatAmount(minor, decimals)} ${currency}`;
}

async function queryAccount(ref: string, options: QueryOptions, balanceOnly: boolean) {
  const id = parseBankIdRef(ref, '<account>');
  const connection = connect(options, 'read');
  await withConnection(connection, async (client) => {
    const account = await getAccount(client, { id }).catch((error: unknown) => {
      if (error instanceof TallyError && error.code === 'not_found')
        throw new TallyError(
          'account_not_found',
          `no account ${toHex(id)}${ref === toHex(id) ? '' : ` (${ref})`} on this chain: open it with 'tally tx create-account'.`,
        );
      throw error;
    });
    if (options.json) {
      const { id: hex, currency, balance, available } = account;
      return printJson(balanceOnly ? { id: hex, currency, balance, available } : account);
    }
    const decimals = await decimalsOf(client, account.currency);
    const amount = (v: bigint) => amountText(v, decimals, account.currency);
    if (balanceOnly)
      return printRows([
        ['balance', amount(account.balance)],
        ['available', amount(account.available)],
      ]);
    printRows([
      ['account', account.id],
      ['currency', account.currency],
      ['owner', account.owner],
      ['balance', amount(account.balance)],
      ['available', amount(account.available)],
      ['debits posted', amount(account.debitsPosted)],
      ['credits posted', amount(account.creditsPosted)],
      ['debits pending', amount(account.debitsPending)],
      ['credits pending', amount(account.creditsPending)],
      ['pending transfers', account.pendingCount],
      ['flags', account.flags.join(', ') || 'none'],
      ['created at height', account.createdHeight],
    ]);
  });
}

function registerAccountQueries(query: Command): void {
  const accountExamples = [
    'tally query account hk-wallet/alice',
    'tally query account 5f0c... --json',
  ];
  addQuery(query, 'account', 'show a bank account: owner, counters, flags', accountExamples)
    .argument('<account>', 'the account: 32 hex digits or a name such as hk-wallet/alice')
    .action((ref: string, options: QueryOptions) => queryAccount(ref, options, false));
  addQuery(query, 'balance', "show an account's balance and what is still available", [
    'tally query balance hk-wallet/alice',
    'tally query balance ph-wallet/maria --json',
  ])
    .argument('<account>', 'the account: 32 hex digits or a name such as hk-wallet/alice')
    .action((ref: string, options: QueryOptions) => queryAccount(ref, options, true));
}

function registerTxQuery(query: Command): void {
  addQuery(query, 'tx', "show a transaction's status and, once final, its receipt and events", [
    'tally query tx 3f2a...',
    'tally query tx 3f2a... --json',
  ])
    .argument('<txId>', 'the transaction id (64 hex digits)')
    .action(async (txId: string, options: QueryOptions) => {
      if (!/^[0-9a-fA-F]{64}$/.test(txId))
        throw new TallyError('bad_option', `<txId> must be 64 hex digits, not '${txId}'.`);
      const connection = connect(options, 'read');
      const tx = await withConnection(connection, (c) => getTransaction(c, { txId }));
      if (options.json) return printJson(tx);
      console.log(formatReceipt(tx).join('\n'));
      if (tx.status === 'unknown')
        console.log('(this node has not seen it: not submitted, or expired before inclusion)');
    });
}

/** The set to check against: your own genesis when there is a network folder, else the node's word. */
async function trustedValidatorSet(
  connection: Connection,
  client: Client,
): Promise<{ set: ValidatorSet; source: string }> {
  if (connection.network !== undefined)
    return {
      set: genesisValidatorSet(connection.network.genesis),
      source: `the genesis in ${connection.network.dir}`,
    };
  const { validatorSet } = await getValidators(client);
  return {
    set: validatorSet,
    source: `the set the node reports (pass --network to use your genesis)`,
  };
}

type BlockOptions = QueryOptions & { verify: boolean };

function registerBlockQuery(query: Command): void {
  addQuery(query, 'block', "show a committed block's header and transactions", [
    'tally query block latest',
    'tally query block 12 --verify',
  ])
    .argument('<height>', "a block height, or 'latest'")
    .option('--verify', 'check the commit certificate against the validator set', false)
    .action(async (heightText: string, options: BlockOptions) => {
      if (heightText !== 'latest' && !/^\d+$/.test(heightText))
        throw new TallyError(
          'bad_option',
          `<height> must be a number or 'latest', not '${heightText}'.`,
        );
      const connection = connect(options, undefined);
      await withConnection(connection, async (client) => {
        const block =
          heightText === 'latest'
            ? await getLatestBlock(client)
            : await getBlock(client, { height: Number(heightText) });
        let verified: string | undefined;
        if (options.verify) {
          const trusted = await trustedValidatorSet(connection, client);
          verifyBlockResponse({ block, validatorSet: trusted.set });
          verified = `verified: a quorum of validators signed this block (checked against ${trusted.source})`;
        }
        if (options.json)
          return printJson({ ...block, ...(verified === undefined ? {} : { verified: true }) });
        const h = block.header;
        printRows([
          ['height', block.height],
          ['hash', block.hash],
          ['time', new Date(h.timeMs).toISOString()],
          ['epoch / round', `${h.epoch} / ${h.round}`],
          ['proposer', h.proposer],
          ['parent', toHex(h.parentHash)],
          ['state root', `${toHex(h.stateRoot)} (after height ${h.stateHeight})`],
          ['certified', block.qcHex === null ? 'not yet' : 'yes'],
          ['transactions', block.txIds.length],
        ]);
        for (const id of block.txIds) console.log(`  ${id}`);
        if (verified !== undefined) console.log(verified);
      });
    });
}

/** A state key: hex, or the bank's shorthands account:<account>, transfer:<id> and currency:<code>. */
function parseStateKey(text: string): Uint8Array {
  if (text.startsWith('account:'))
    return moduleKey('bank', bankKeys.account(parseBankIdRef(text.slice(8), '<key>')));
  if (text.startsWith('transfer:'))
    return moduleRecordKey('bank', bankKeys.transfer(parseBankIdRef(text.slice(9), '<key>')));
  if (/^currency:[A-Z]{3}$/.test(text)) return moduleKey('bank', bankKeys.currency(text.slice(9)));
  const hex = text.replace(/^0x/, '');
  if (hex.length === 0 || !/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0)
    throw new TallyError(
      'bad_option',
      `<key> must be hex (an even number of 0-9a-f), account:<account>, transfer:<id> or currency:<code>, not '${text}'.`,
    );
  return fromHex(hex, '<key>');
}

/** A state value shown as the JSON of its canonical CBOR, or raw hex if it is not CBOR. */
function describeValue(hex: string): string {
  try {
    return JSON.stringify(toJsonValue(decode(fromHex(hex))));
  } catch {
    return hex;
  }
}

type StateOptions = QueryOptions & { verify: boolean; height?: string };

function registerStateQuery(query: Command): void {
  addQuery(query, 'state', 'read any state key with its proof; --verify checks it end to end', [
    'tally query state account:hk-wallet/alice --verify',
    'tally query state 62616e6b0063484b44 --json',
  ])
    .argument(
      '<key>',
      'the key in hex (module name, 00, module key), account:<account>, transfer:<id> or currency:<code>',
    )
    .option(
      '--verify',
      'check the proof and the commit certificate against the validator set',
      false,
    )
    .option('--height <n>', 'state at this height (default: the latest certified state)')
    .action(async (keyText: string, options: StateOptions) => {
      const key = parseStateKey(keyText);
      if (options.height !== undefined && !/^\d+$/.test(options.height))
        throw new TallyError('bad_option', '--height must be a whole number.');
      const connection = connect(options, 'read');
      await withConnection(connection, async (client) => {
        const response = await getProof(client, {
          key,
          ...(options.height === undefined ? {} : { height: Number(options.height) }),
        });
        let verified: string | undefined;
        if (options.verify) {
          const trusted = await trustedValidatorSet(connection, client);
          verifyStateProofResponse({ response, validatorSet: trusted.set, key });
          verified = `verified: the proof leads to the state root of block ${response.blockHeight}, whose certificate a quorum of validators signed (checked against ${trusted.source})`;
        }
        if (options.json)
          return printJson({ ...response, ...(verified === undefined ? {} : { verified: true }) });
        printRows([
          ['key', response.key],
          ['value', response.value === null ? 'absent' : response.value],
          ...(response.value === null ? [] : [['decoded', describeValue(response.value)] as const]),
          ['state height', response.height],
          ['block', response.blockHeight],
        ]);
        console.log(verified ?? 'not verified (add --verify to check the proof and certificate)');
      });
    });
}

function registerChainQueries(query: Command): void {
  addQuery(query, 'validators', 'show the validator set in force', [
    'tally query validators',
    'tally query validators --url http://127.0.0.1:8080 --json',
  ]).action(async (options: QueryOptions) => {
    const connection = connect(options, undefined);
    const v = await withConnection(connection, (c) => getValidators(c));
    if (options.json)
      return printJson({ epoch: v.epoch, quorum: v.quorum, validators: v.validators });
    console.log(`epoch ${v.epoch}: ${v.validators.length} validators, quorum ${v.quorum}`);
    for (const val of v.validators)
      console.log(`  ${val.orgId.padEnd(20)} ${val.suite.padEnd(8)} ${val.publicKey}`);
  });
  addQuery(query, 'evidence', 'show evidence of validators that signed two blocks in a round', [
    'tally query evidence',
    'tally query evidence --limit 100 --json',
  ])
    .option('--limit <n>', 'entries, newest first (1 to 100)', '20')
    .action(async (options: QueryOptions & { limit: string }) => {
      const connection = connect(options, undefined);
      const page = await withConnection(connection, (c) =>
        getEvidence(c, { limit: Number(options.limit) }),
      );
      if (options.json) return printJson(page);
      console.log(`${page.total} recorded by this node`);
      for (const e of page.items)
        console.log(
          `  #${e.seq} ${e.kind} by validator ${e.validatorIndex} (${e.orgId}), epoch ${e.epoch} round ${e.round}, first seen at height ${e.seenAtHeight}`,
        );
    });
  addQuery(query, 'status', "show the node's chain, heights, peers and mempool", [
    'tally query status',
    'tally query status --org ph-wallet --json',
  ]).action(async (options: QueryOptions) => {
    const connection = connect(options, undefined);
    const s = await withConnection(connection, (c) => getStatus(c));
    if (options.json) return printJson(s);
    printRows([
      ['chain', s.chainId],
      ['node', `${s.nodeId} (${s.kind} of ${s.orgId}) at ${connection.url}`],
      ['height', `${s.height} committed, ${s.executedHeight} executed`],
      ['state root', s.stateRoot],
      ['epoch / round', `${s.epoch} / ${s.round}`],
      ['peers', s.peers.map((p) => p.nodeId).join(', ') || 'none'],
      ['mempool', `${s.mempool.txs} txs, ${s.mempool.bytes} bytes`],
      ['syncing', s.syncing],
      ['version', s.version],
    ]);
  });
}

export function registerQueryCommand(program: Command): void {
  const query = program
    .command('query')
    .description('read accounts, transactions, blocks, state with proofs, validators, node status')
    .addHelpText(
      'after',
      examples([
        'tally query balance hk-wallet/alice',
        'tally query state account:hk-wallet/alice --verify',
        'tally query block latest --json',
      ]),
    );
  registerAccountQueries(query);
  registerTxQuery(query);
  registerBlockQuery(query);
  registerStateQuery(query);
  registerChainQueries(query);
}
