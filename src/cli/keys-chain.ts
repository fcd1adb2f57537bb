// `tally keys register|revoke|list`: an organisation's API keys on chain. Register and revoke are
// identity transactions signed by a key of the organisation with role operator; list reads
// GET /v1/orgs/:orgId/keys. The key to register is a public key in hex or a key file (only its
// public header is read: no passphrase needed for the key being registered).
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { SuiteId } from '../crypto/suite.ts';
import { isSuiteId } from '../crypto/suites.ts';
import {
  buildAddKey,
  buildRevokeKey,
  getOrgKeys,
  type KeyRole,
  type OrgKey,
} from '../sdk/index.ts';
import { TallyError } from '../util/errors.ts';
import {
  addConnectionOptions,
  type ConnectionOptions,
  connect,
  withConnection,
} from './client-key.ts';
import { refuseGatewayKey } from './gateway-key-check.ts';
import {
  addOperatorCallOptions,
  type OperatorCallOptions,
  submitOperatorCall,
} from './operator-call.ts';
import { printJson } from './tx-command.ts';

type ChainKeyOptions = OperatorCallOptions;
type RegisterOptions = ChainKeyOptions & { name: string; roles: string; suite?: string };

export type PublicKeyRef = { readonly suite: SuiteId; readonly publicKey: string };

/** A public key in hex (suite from its length, or --suite), or a key file's public header. */
export function readPublicKeyRef(ref: string, suiteOption?: string): PublicKeyRef {
  const hex = ref.replace(/^0x/, '').toLowerCase();
  if (/^(?:[0-9a-f]{64}|[0-9a-f]{66})$/.test(hex)) {
    const suite = suiteOption ?? (hex.length === 64 ? 'ed25519' : 'p256');
    if (!isSuiteId(suite))
      throw new TallyError('bad_option', `--suite ${suite}: use ed25519, p256 or sm2.`);
    return { suite, publicKey: hex };
  }
  if (!existsSync(ref))
    throw new TallyError(
      'bad_option',
      `${ref}: expected a public key (64 or 66 hex digits) or a key file from 'tally keys generate'.`,
    );
  let doc: { suite?: unknown; publicKey?: unknown };
  try {
    doc = JSON.parse(readFileSync(ref, 'utf8')) as typeof doc;
  } catch (cause) {
    throw new TallyError('bad_option', `${ref} is not a key file (not JSON).`, { cause });
  }
  if (!isSuiteId(doc.suite) || typeof doc.publicKey !== 'string')
    throw new TallyError('bad_option', `${ref} is not a key file: no suite and public key.`);
  return { suite: doc.suite, publicKey: doc.publicKey };
}

export function parseRoles(text: string): KeyRole[] {
  const roles = text.split(',').map((r) => r.trim());
  for (const role of roles)
    if (role !== 'submit' && role !== 'read' && role !== 'operator')
      throw new TallyError('bad_option', `--roles ${text}: roles are submit, read and operator.`);
  return roles as KeyRole[];
}

const signerHelp = `
The transaction is signed by a key of your organisation with role operator: --key-file <file>
(its passphrase in TALLY_PASSPHRASE or --passphrase-file), or the network folder's key (--org).
The new key joins the signer's organisation; each node accepts it once it has executed the block.
`;

const gatewayHelp = `A key that a node's gateway signs with (GET /v1/status, gateway) is refused: revoked, that
node could never act for its organisation again. Asked first: the connected node and, with a
network folder, every node of the key's organisation.
`;

function registerRegister(keys: Command): void {
  addOperatorCallOptions(
    keys
      .command('register')
      .description('register an API key to your organisation on chain (identity.add_key)')
      .argument('<key>', 'the public key in hex, or a key file (only its public part is read)')
      .requiredOption('--name <name>', 'a name unique among your live keys, e.g. teller-2')
      .option('--roles <list>', 'comma list of submit, read, operator', 'submit,read')
      .option('--suite <suite>', 'suite of a hex public key (default: from its length)'),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  $ tally keys register teller.key --name teller-2 --roles submit,read --url http://127.0.0.1:8080 --key-file ops.key\n${signerHelp}`,
    )
    .action(async (ref: string, options: RegisterOptions) => {
      const key = readPublicKeyRef(ref, options.suite);
      const roles = parseRoles(options.roles);
      await submitOperatorCall(
        connect(options, 'operator'),
        () =>
          buildAddKey({ name: options.name, suite: key.suite, publicKey: key.publicKey, roles }),
        options,
      );
    });
}

function registerRevoke(keys: Command): void {
  addOperatorCallOptions(
    keys
      .command('revoke')
      .description('revoke an API key of your organisation for good (identity.revoke_key)')
      .argument('<key>', 'the public key in hex, or its key file'),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  $ tally keys revoke 5f0c...e1 --url http://127.0.0.1:8080 --key-file ops.key\n${signerHelp}An organisation keeps at least one live operator key; a revoked key is never registered again.\n${gatewayHelp}`,
    )
    .action(async (ref: string, options: ChainKeyOptions) => {
      const key = readPublicKeyRef(ref);
      const connection = connect(options, 'operator');
      await refuseGatewayKey(connection, key.publicKey);
      await submitOperatorCall(
        connection,
        () => buildRevokeKey({ publicKey: key.publicKey }),
        options,
      );
    });
}

export function formatOrgKeys(keys: readonly OrgKey[]): string[] {
  const rows = keys.map((k) => [
    k.name,
    k.status === 'live' ? 'live' : `revoked at ${k.revokedHeight}`,
    k.roles.join(','),
    k.addedHeight === 0 ? 'genesis' : `height ${k.addedHeight}`,
    `${k.suite} ${k.publicKey}`,
  ]);
  const header = ['NAME', 'STATUS', 'ROLES', 'ADDED', 'KEY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function registerList(keys: Command): void {
  addConnectionOptions(
    keys
      .command('list')
      .description("list an organisation's API keys on chain, live and revoked")
      .option('--json', 'print JSON', false),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ tally keys list --org hk-wallet\n  $ tally keys list --org hk-wallet --url http://127.0.0.1:8080 --key-file reader.key --json\n',
    )
    .action(async (options: ConnectionOptions & { json: boolean }) => {
      if (options.org === undefined)
        throw new TallyError('bad_option', '--org <orgId> names the organisation to list.');
      const orgId = options.org;
      const connection = connect(options, 'read');
      const listed = await withConnection(connection, (client) => getOrgKeys(client, { orgId }));
      if (options.json) printJson(listed);
      else console.log(formatOrgKeys(listed.keys).join('\n'));
    });
}

export function registerChainKeyCommands(keys: Command): void {
  registerRegister(keys);
  registerRevoke(keys);
  registerList(keys);
}
