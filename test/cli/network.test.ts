// `tally network init` as an operator runs it (real processes, real files): the genesis, certificates,
// key files and configs it writes, and the errors and help it prints.
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { createProgram } from '../../src/cli/main.ts';
import {
  orgsWithoutOperatorKey,
  writeConsoleDemoKeys,
} from '../../src/cli/network/console-keys.ts';
import { loadNetwork } from '../../src/cli/network/network.ts';
import { loadKeyFile } from '../../src/crypto/keyfile.ts';
import { loadConfig } from '../../src/node/config.ts';
import { type Genesis, loadGenesis } from '../../src/node/genesis.ts';
import { checkNodeCertificate, readOrgCas } from '../../src/p2p/pki.ts';
import { toHex } from '../../src/util/bytes.ts';
import { fastKeysEnv, runTally, type TallyResult } from './tally-process.ts';

const root = mkdtempSync(join(tmpdir(), 'tally-network-'));
after(() => rmSync(root, { recursive: true, force: true }));

const dir = join(root, 'net');
const apiPort = 41_000;
const p2pPort = 42_000;
const forcedDir = join(root, 'forced');
const operatorEnv = { ...fastKeysEnv, TALLY_KEY_PASSPHRASE: 'operator secret' };
let genesis: Genesis;
let missing: TallyResult;

function passphraseIn(folder: string): string {
  return readFileSync(join(folder, 'passphrase'), 'utf8').trim();
}

describe('tally network init', () => {
  before(async () => {
    // Independent runs overlap: each CLI process spends most of its time starting up.
    const initArgs = ['--observers', '1', '--api-port', `${apiPort}`, '--p2p-port', `${p2pPort}`];
    const [result, forced, noNetwork] = await Promise.all([
      runTally(['network', 'init', '--dir', dir, ...initArgs], fastKeysEnv),
      runTally(['network', 'init', '--dir', forcedDir, '--orgs', '1'], operatorEnv),
      runTally(['network', 'up', '--dir', join(root, 'empty')]),
    ]);
    missing = noNetwork;
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^network tally-local written to /);
    genesis = loadGenesis(join(dir, 'genesis.json'));
  });

  it('writes a genesis with the demo organisations, their nodes and API keys', () => {
    assert.equal(genesis.chainId, 'tally-local');
    assert.deepEqual(
      genesis.organizations.map((o) => [o.id, o.roles.join('+')]),
      [
        ['hk-wallet', 'wallet+validator+issuer+observer'],
        ['ph-wallet', 'wallet+validator+issuer'],
        ['settlement-bank', 'bank+fx-provider+issuer+validator'],
        ['regulator-hk', 'regulator+validator'],
      ],
    );
    assert.deepEqual(
      genesis.nodes.map((n) => [n.nodeId, n.orgId, n.kind, n.api.port, n.p2p.port]),
      [
        ['hk-wallet-1', 'hk-wallet', 'validator', apiPort, p2pPort],
        ['ph-wallet-1', 'ph-wallet', 'validator', apiPort + 1, p2pPort + 1],
        ['settlement-bank-1', 'settlement-bank', 'validator', apiPort + 2, p2pPort + 2],
        ['regulator-hk-1', 'regulator-hk', 'validator', apiPort + 3, p2pPort + 3],
        ['hk-wallet-2', 'hk-wallet', 'observer', apiPort + 4, p2pPort + 4],
      ],
    );
    assert.deepEqual(
      genesis.keys.map((k) => [k.orgId, k.name, k.roles.join('+')]),
      [
        ['hk-wallet', 'hk-wallet-api', 'submit+read+operator'],
        ['ph-wallet', 'ph-wallet-api', 'submit+read+operator'],
        ['settlement-bank', 'settlement-bank-api', 'submit+read+operator'],
        ['regulator-hk', 'regulator-hk-api', 'submit+read+operator'],
        ['hk-wallet', 'hk-wallet-gateway', 'submit'],
        ['ph-wallet', 'ph-wallet-gateway', 'submit'],
        ['settlement-bank', 'settlement-bank-gateway', 'submit'],
        ['regulator-hk', 'regulator-hk-gateway', 'submit'],
      ],
    );
  });

  it('gives every organisation an operator key, so each manages its own keys', () => {
    // Only an operator key adds keys: an organisation without one could never get one.
    const withoutOperator = genesis.organizations
      .map((o) => o.id)
      .filter((id) => !genesis.keys.some((k) => k.orgId === id && k.roles.includes('operator')));
    assert.deepEqual(withoutOperator, []);
  });

  it('issues node certificates that chain to their own organisation CA', () => {
    const cas = readOrgCas(
      Object.fromEntries(genesis.organizations.map((o) => [o.id, o.caCertPem])),
    );
    for (const org of genesis.organizations) {
      const orgDir = join(dir, 'orgs', org.id);
      assert.equal(readFileSync(join(orgDir, 'ca.crt'), 'utf8'), org.caCertPem);
      const caKey = createPrivateKey(readFileSync(join(orgDir, 'ca.key'), 'utf8'));
      assert.ok(new X509Certificate(org.caCertPem).checkPrivateKey(caKey), org.id);
    }
    for (const node of genesis.nodes) {
      const nodeDir = join(dir, 'nodes', node.nodeId);
      const cert = new X509Certificate(readFileSync(join(nodeDir, 'tls.crt')));
      const check = checkNodeCertificate(cert, cas, new Date());
      assert.deepEqual(check, { ok: true, identity: { orgId: node.orgId, nodeId: node.nodeId } });
      const key = createPrivateKey(readFileSync(join(nodeDir, 'tls.key'), 'utf8'));
      assert.ok(cert.checkPrivateKey(key), node.nodeId);
    }
  });

  it('writes key files that decrypt with the passphrase and match the genesis keys', () => {
    for (const node of genesis.nodes) {
      const nodeDir = join(dir, 'nodes', node.nodeId);
      const keyPair = loadKeyFile(join(nodeDir, 'consensus.key'), passphraseIn(nodeDir));
      assert.equal(toHex(keyPair.publicKey), toHex(node.publicKey), node.nodeId);
      // The node's copy of its org's passphrase is the org's: one secret per organisation.
      assert.equal(passphraseIn(nodeDir), passphraseIn(join(dir, 'orgs', node.orgId)));
    }
    for (const key of genesis.keys) {
      const orgDir = join(dir, 'orgs', key.orgId);
      const keyPair = loadKeyFile(join(orgDir, 'clients', `${key.name}.key`), passphraseIn(orgDir));
      assert.equal(toHex(keyPair.publicKey), toHex(key.publicKey), key.name);
    }
    const passphrases = new Set(
      genesis.organizations.map((o) => passphraseIn(join(dir, 'orgs', o.id))),
    );
    assert.equal(passphrases.size, genesis.organizations.length);
  });

  it('keeps secrets readable by the owner only', () => {
    const secrets = [
      ...genesis.organizations.flatMap((o) =>
        ['ca.key', 'passphrase'].map((f) => join(dir, 'orgs', o.id, f)),
      ),
      ...genesis.nodes.flatMap((n) =>
        ['tls.key', 'consensus.key', 'passphrase'].map((f) => join(dir, 'nodes', n.nodeId, f)),
      ),
    ];
    for (const file of secrets) assert.equal(statSync(file).mode & 0o777, 0o600, file);
  });

  it('writes configs the node loads, every path inside the node folder', () => {
    for (const node of genesis.nodes) {
      const nodeDir = join(dir, 'nodes', node.nodeId);
      const config = loadConfig(join(nodeDir, 'config.json'), {}, {});
      assert.equal(config.nodeId, node.nodeId);
      assert.deepEqual(config.api, node.api);
      assert.deepEqual(config.p2p, node.p2p);
      for (const file of [
        config.genesisFile,
        config.keyFile,
        config.tls.certFile,
        config.tls.keyFile,
        config.passphraseFile!,
      ])
        assert.ok(existsSync(file) && dirname(file) === nodeDir, relative(dir, file));
      assert.equal(dirname(config.dataDir), nodeDir);
      assert.deepEqual(loadGenesis(config.genesisFile), genesis);
    }
  });

  it('error: refuses to overwrite a network without --force', async () => {
    const result = await runTally(['network', 'init', '--dir', dir], fastKeysEnv);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.trim(),
      `error [network_exists]: ${dir} already holds a network; pass --force to replace it.`,
    );
    assert.deepEqual(loadGenesis(join(dir, 'genesis.json')), genesis);
  });

  it('replaces a stopped network with --force, and uses TALLY_KEY_PASSPHRASE when it is set', async () => {
    const other = forcedDir;
    assert.equal(loadGenesis(join(other, 'genesis.json')).nodes.length, 1);
    const result = await runTally(
      ['network', 'init', '--dir', other, '--orgs', '2', '--chain-id', 'second', '--force'],
      operatorEnv,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /encrypted with TALLY_KEY_PASSPHRASE/);
    const replaced = loadGenesis(join(other, 'genesis.json'));
    assert.equal(replaced.chainId, 'second');
    assert.equal(replaced.nodes.length, 2);
    const nodeDir = join(other, 'nodes', 'ph-wallet-1');
    assert.equal(existsSync(join(nodeDir, 'passphrase')), false);
    assert.equal(loadConfig(join(nodeDir, 'config.json'), {}, {}).passphraseFile, undefined);
    const keyPair = loadKeyFile(join(nodeDir, 'consensus.key'), 'operator secret');
    assert.equal(toHex(keyPair.publicKey), toHex(replaced.nodes[1]!.publicKey));
  });

  it('error: a bad option names the option and what it accepts', async () => {
    const result = await runTally(['network', 'init', '--dir', join(root, 'x'), '--orgs', '0']);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.trim(),
      'error [bad_option]: --orgs must be a whole number from 1 to 64.',
    );
    assert.equal(existsSync(join(root, 'x')), false);
  });

  it('status of a stopped network shows every node stopped', async () => {
    const result = await runTally(['network', 'status', '--dir', dir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { node: string; state: string; pid: string }[];
    assert.deepEqual(
      rows.map((r) => [r.node, r.state, r.pid]),
      genesis.nodes.map((n) => [n.nodeId, 'stopped', '-']),
    );
  });

  it('tally status and tally down are tally network status and down', async () => {
    const [short, long] = await Promise.all([
      runTally(['status', '--dir', dir, '--json']),
      runTally(['network', 'status', '--dir', dir, '--json']),
    ]);
    assert.equal(short.code, 0, short.stderr);
    assert.deepEqual(JSON.parse(short.stdout), JSON.parse(long.stdout));
    const down = await runTally(['down', '--dir', dir]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout, (await runTally(['network', 'down', '--dir', dir])).stdout);
  });

  it("writes the console's demo bundle with an operator key of every organisation", () => {
    // Last: it points the nodes' configs at the bundle, as `tally start` does.
    const bundle = JSON.parse(readFileSync(writeConsoleDemoKeys(loadNetwork(dir)), 'utf8')) as {
      keys: { orgId: string; name: string; roles: string[] }[];
    };
    assert.deepEqual(
      bundle.keys.map((k) => [k.orgId, k.name, k.roles.join('+')]),
      genesis.organizations.map((o) => [o.id, `${o.id}-api`, 'submit+read+operator']),
    );
    const network = loadNetwork(dir);
    assert.deepEqual(orgsWithoutOperatorKey(network), []);
    // A network made when only the first organisation operated: `tally start` points this out.
    const older = network.clients.map((c) =>
      c.orgId === 'hk-wallet' ? c : { ...c, roles: c.roles.filter((r) => r !== 'operator') },
    );
    assert.deepEqual(orgsWithoutOperatorKey({ ...network, clients: older }), [
      'ph-wallet',
      'settlement-bank',
      'regulator-hk',
    ]);
  });

  it('error: commands on a folder without a network say how to make one', () => {
    const empty = join(root, 'empty');
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr.trim(),
      `error [network_missing]: ${empty} holds no network: create one with 'tally network init --dir ${empty}'.`,
    );
  });
});

/** The help a command prints, captured in this process (the same text `tally ... --help` prints). */
async function helpOf(path: readonly string[]): Promise<string> {
  const program = createProgram();
  let command = program;
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  let out = '';
  command.configureOutput({ writeOut: (text) => (out += text) });
  await assert.rejects(program.parseAsync(['node', 'tally', ...path, '--help']), CommanderError);
  return out;
}

describe('tally network help', () => {
  it('prints the init help from a real process, with the test-only scrypt setting', async () => {
    const result = await runTally(['network', 'init', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: tally network init \[options\]/);
    assert.match(result.stdout, /--force +replace a network already in the folder/);
    assert.match(result.stdout, /TALLY_SCRYPT_N lowers the scrypt/);
  });

  it('describes every network command and the start command, with examples', async () => {
    const commands = [
      ['network'],
      ['network', 'init'],
      ['network', 'up'],
      ['network', 'down'],
      ['network', 'status'],
      ['up'],
      ['down'],
      ['status'],
      ['start'],
    ];
    for (const path of commands) {
      const name = path.join(' ');
      const help = await helpOf(path);
      assert.match(help, new RegExp(`^Usage: tally ${name} `), name);
      assert.match(help, /\nExamples:\n {2}\$ /, name);
    }
  });
});
