// One module call signed by an organisation's operator key, as `tally keys` and `tally validators`
// send it: submitted to the connected node, then (unless --no-wait) followed to its receipt, which is
// printed; a refusal at admission or at execution ends the command with its code.
import type { Command } from 'commander';
import type { CborValue } from '../codec/index.ts';
import {
  buildTransaction,
  getStatus,
  signTransaction,
  submitTransactions,
  waitForTransaction,
} from '../sdk/index.ts';
import { assert } from '../util/assert.ts';
import { TallyError } from '../util/errors.ts';
import {
  addConnectionOptions,
  type Connection,
  type ConnectionOptions,
  withConnection,
} from './client-key.ts';
import {
  formatReceipt,
  printJson,
  type ReceiptView,
  waitSecondsDefault,
  waitSecondsMax,
} from './tx-command.ts';

export type OperatorCallOptions = ConnectionOptions & {
  wait: boolean;
  timeout: string;
  json: boolean;
};

export type ModuleCall = { module: string; method: string; args: CborValue };

function parseTimeout(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > waitSecondsMax)
    throw new TallyError('bad_option', `--timeout must be 1 to ${waitSecondsMax} seconds.`);
  return n * 1000;
}

/** Signs the call with the operator key, submits it and (unless --no-wait) waits for finality. */
export async function submitOperatorCall(
  connection: Connection,
  build: () => ModuleCall,
  options: OperatorCallOptions,
): Promise<void> {
  const waitMs = parseTimeout(options.timeout);
  let call: ModuleCall;
  try {
    call = build();
  } catch (cause) {
    throw new TallyError('bad_option', (cause as Error).message, { cause });
  }
  await withConnection(connection, async (client) => {
    assert(client.account !== undefined, "connect(options, 'operator') gives an account");
    const chainId = connection.network?.genesis.chainId ?? (await getStatus(client)).chainId;
    const tx = signTransaction(client.account, buildTransaction({ chainId, ...call }));
    const [result] = (await submitTransactions(client, { transactions: [tx] })).results;
    if (result === undefined || result.status === 'rejected')
      throw new TallyError(
        result?.code ?? 'rejected',
        `the node refused transaction ${tx.txId}: ${result?.message ?? 'no reason given'}`,
      );
    const view: ReceiptView = options.wait
      ? await waitForTransaction(client, { txId: tx.txId, timeoutMs: waitMs })
      : { txId: tx.txId, status: 'admitted' };
    if (options.json) printJson(view);
    else console.log(formatReceipt(view).join('\n'));
    if (view.code !== undefined && view.code !== 'ok')
      throw new TallyError(
        view.code,
        `transaction ${tx.txId} failed: ${view.message ?? view.code}`,
      );
  });
}

/** The connection options, plus --no-wait, --timeout and --json. */
export function addOperatorCallOptions(command: Command): Command {
  return addConnectionOptions(command)
    .option('--no-wait', 'return once the node admits it, without waiting for finality')
    .option('--timeout <seconds>', 'how long to wait for finality', String(waitSecondsDefault))
    .option('--json', 'print the receipt as JSON', false);
}
