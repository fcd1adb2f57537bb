// `tally validators list|proposals|propose|approve|withdraw`: the validator set in force and the
// governance module's proposals to change it. Propose, approve and withdraw are governance
// transactions signed by a key of the organisation with role operator, as `tally keys register` signs.
import type { Command } from 'commander';
import {
  buildApproveValidators,
  buildProposeValidators,
  buildWithdrawValidators,
  type GetValidatorsReturnType,
  type GovernanceCall,
  getProposals,
  getValidators,
  type Proposal,
} from '../sdk/index.ts';
import { TallyError } from '../util/errors.ts';
import {
  addConnectionOptions,
  type Connection,
  type ConnectionOptions,
  connect,
  withConnection,
} from './client-key.ts';
import {
  addOperatorCallOptions,
  type OperatorCallOptions,
  submitOperatorCall,
} from './operator-call.ts';
import { printJson } from './tx-command.ts';

type CallOptions = OperatorCallOptions;
type ProposeOptions = CallOptions & { nodes: string; note: string };

/** Lines of a table: columns padded to their widest cell, the last one left ragged. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function formatValidatorSet(set: GetValidatorsReturnType): string[] {
  const n = set.validators.length;
  const rows = set.validators.map((v, i) => [
    String(i),
    v.nodeId ?? '?',
    v.orgId,
    v.suite,
    v.publicKey,
  ]);
  return [
    `epoch ${set.epoch}: ${n} validator${n === 1 ? '' : 's'}, quorum ${set.quorum}`,
    ...table(['#', 'NODE', 'ORG', 'SUITE', 'KEY'], rows),
  ];
}

/** "1 of 3 needed (hk-wallet)": where a proposal's approval stands. */
export function formatApprovals(p: Proposal): string {
  const who = p.approvals.length === 0 ? '' : ` (${p.approvals.join(',')})`;
  return `${p.approvals.length} of ${p.approvalsNeeded} needed${who}`;
}

export function formatProposals(proposals: readonly Proposal[]): string[] {
  if (proposals.length === 0) return ['no validator-set proposals yet'];
  const rows = proposals.map((p) => [
    String(p.id),
    p.status === 'approved' ? `approved at ${p.approvedHeight}` : p.status,
    formatApprovals(p),
    p.proposerOrg,
    String(p.proposedHeight),
    p.validators.map((v) => v.nodeId).join(','),
    p.note,
  ]);
  return table(['ID', 'STATUS', 'APPROVALS', 'PROPOSER', 'HEIGHT', 'VALIDATORS', 'NOTE'], rows);
}

function parseProposalId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1)
    throw new TallyError('bad_option', `${text}: a proposal id is a whole number from 1.`);
  return id;
}

/** Node ids from --nodes, checked against the network folder's genesis when there is one. */
function parseNodes(text: string, connection: Connection): string[] {
  const nodes = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const genesis = connection.network?.genesis;
  if (genesis === undefined) return nodes;
  const known = genesis.nodes.map((n) => n.nodeId);
  const unknown = nodes.find((n) => !known.includes(n));
  if (unknown !== undefined)
    throw new TallyError(
      'bad_option',
      `--nodes: ${unknown} is not a node of this network; choose among ${known.join(', ')}.`,
    );
  return nodes;
}

const signerHelp = `
The transaction is signed by a key of your organisation with role operator: --key-file <file>
(its passphrase in TALLY_PASSPHRASE or --passphrase-file), or the network folder's key (--org).
A proposal passes when operators of more than 2/3 of the organisations approved it; the
proposing organisation approves like any other. Approvals open 4 blocks after the proposal and
close a day (block time) after it.
`;

function registerList(validators: Command): void {
  addConnectionOptions(
    validators
      .command('list')
      .description('the validator set in force: epoch, quorum and nodes in leader order')
      .option('--height <height>', 'the set in force at this block (default: the latest)')
      .option('--json', 'print JSON', false),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ tally validators list\n  $ tally validators list --url http://127.0.0.1:8080 --height 120 --json\n',
    )
    .action(async (options: ConnectionOptions & { height?: string; json: boolean }) => {
      const height = options.height === undefined ? undefined : Number(options.height);
      if (height !== undefined && (!/^\d+$/.test(options.height!) || !Number.isSafeInteger(height)))
        throw new TallyError('bad_option', '--height must be a block height (0 or more).');
      const connection = connect(options, undefined);
      const set = await withConnection(connection, (client) =>
        getValidators(client, height === undefined ? {} : { height }),
      );
      if (options.json)
        printJson({ epoch: set.epoch, quorum: set.quorum, validators: set.validators });
      else console.log(formatValidatorSet(set).join('\n'));
    });
}

function registerProposals(validators: Command): void {
  addConnectionOptions(
    validators
      .command('proposals')
      .description('validator-set change proposals, newest first, with their approvals')
      .option('--limit <n>', 'how many (1 to 100)', '20')
      .option('--before <id>', 'proposals numbered below this id (the next page)')
      .option('--json', 'print JSON', false),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ tally validators proposals --org hk-wallet\n  $ tally validators proposals --url http://127.0.0.1:8080 --key-file reader.key --limit 5 --json\n\nNeeds a key with role read.\n',
    )
    .action(
      async (options: ConnectionOptions & { limit: string; before?: string; json: boolean }) => {
        const limit = Number(options.limit);
        if (!/^\d+$/.test(options.limit) || limit < 1 || limit > 100)
          throw new TallyError('bad_option', '--limit must be 1 to 100.');
        const before = options.before === undefined ? undefined : parseProposalId(options.before);
        const connection = connect(options, 'read');
        const page = await withConnection(connection, (client) =>
          getProposals(client, { limit, ...(before === undefined ? {} : { before }) }),
        );
        if (options.json) printJson(page);
        else {
          console.log(formatProposals(page.items).join('\n'));
          if (page.next !== undefined)
            console.log(`(more: tally validators proposals --before ${page.next})`);
        }
      },
    );
}

function registerPropose(validators: Command): void {
  addOperatorCallOptions(
    validators
      .command('propose')
      .description('propose a new validator set (governance.propose_validators)')
      .requiredOption(
        '--nodes <list>',
        'comma list of node ids from the genesis, in leader-rotation order',
      )
      .option('--note <text>', 'why the set changes (at most 280 characters)', ''),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  $ tally validators propose --nodes hk-wallet-1,ph-wallet-1,settlement-bank-1,regulator-hk-1,regulator-ph-1 --note "regulator-ph joins" --org hk-wallet\n  $ tally validators propose --nodes org-2-1,org-1-1 --url http://127.0.0.1:8080 --key-file ops.key\n${signerHelp}One proposal is open at a time; the event validators_proposed gives its id.\n`,
    )
    .action(async (options: ProposeOptions) => {
      const connection = connect(options, 'operator');
      const nodes = parseNodes(options.nodes, connection);
      await submitOperatorCall(
        connection,
        () => buildProposeValidators({ validators: nodes, note: options.note }),
        options,
      );
    });
}

function registerProposalCall(
  validators: Command,
  name: 'approve' | 'withdraw',
  description: string,
  build: (proposalId: number) => GovernanceCall,
  extraHelp: string,
): void {
  addOperatorCallOptions(
    validators
      .command(name)
      .description(description)
      .argument('<id>', 'the proposal id (tally validators proposals lists them)'),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  $ tally validators ${name} 3 --org hk-wallet\n  $ tally validators ${name} 3 --url http://127.0.0.1:8080 --key-file ops.key --json\n${signerHelp}${extraHelp}`,
    )
    .action(async (id: string, options: CallOptions) => {
      const proposalId = parseProposalId(id);
      await submitOperatorCall(connect(options, 'operator'), () => build(proposalId), options);
    });
}

export function registerValidatorsCommand(program: Command): void {
  const validators = program
    .command('validators')
    .description('the validator set, and proposals to change it by approval of the members');
  registerList(validators);
  registerProposals(validators);
  registerPropose(validators);
  registerProposalCall(
    validators,
    'approve',
    'approve a proposal for your organisation (governance.approve_validators)',
    (proposalId) => buildApproveValidators({ proposalId }),
    'Each organisation approves once; the approval that passes it names the approved height.\n',
  );
  registerProposalCall(
    validators,
    'withdraw',
    'withdraw an open proposal your organisation made (governance.withdraw_validators)',
    (proposalId) => buildWithdrawValidators({ proposalId }),
    'Only an operator of the proposing organisation may withdraw it.\n',
  );
}
