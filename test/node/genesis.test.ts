// The genesis file: what `tally network init` writes parses back; each refusal names its field;
// the JSON form round-trips; the genesis block and its validator set are the same on every node.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initNetwork } from '../../src/cli/network/init.ts';
import { genesisPath } from '../../src/cli/network/layout.ts';
import { planNetwork } from '../../src/cli/network/plan.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { hashHeader } from '../../src/ledger/block.ts';
import { validatorsMax } from '../../src/ledger/limits.ts';
import { hashValidatorSet } from '../../src/ledger/validator-set.ts';
import {
  consensusDefaults,
  createGenesisBlock,
  type Genesis,
  genesisToJson,
  genesisValidatorSet,
  loadGenesis,
  parseGenesis,
} from '../../src/node/genesis.ts';
import { toHex } from '../../src/util/bytes.ts';
import { TallyError } from '../../src/util/errors.ts';

/** Key files only need to open; a low scrypt cost keeps init fast. */
const scryptN = 1024;

type Doc = Record<string, unknown> & {
  organizations: Record<string, unknown>[];
  nodes: Record<string, unknown>[];
  keys: Record<string, unknown>[];
  consensus: Record<string, unknown>;
};

let dir: string;
let written: Genesis;
let text: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tally-genesis-'));
  const plan = planNetwork({
    orgs: 4,
    observers: 1,
    chainId: 'tally-unit',
    host: '127.0.0.1',
    apiPort: 18_080,
    p2pPort: 18_600,
  });
  written = initNetwork(plan, { dir, passphrase: 'unit-test', scryptN });
  text = readFileSync(genesisPath(dir), 'utf8');
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh, mutable copy of the document init wrote. */
function doc(): Doc {
  return JSON.parse(text) as Doc;
}

/** `code: message` of the TallyError that parsing throws. */
function refusal(value: unknown): string {
  try {
    parseGenesis(value);
  } catch (error) {
    assert.ok(error instanceof TallyError, `expected a TallyError, got ${String(error)}`);
    return `${error.code}: ${error.message}`;
  }
  assert.fail('expected parseGenesis to refuse the document');
}

function edited(edit: (d: Doc) => void): Doc {
  const d = doc();
  edit(d);
  return d;
}

const idRule = 'does not match /^[a-z0-9][a-z0-9-]*$/';

describe('parseGenesis: what tally network init writes', () => {
  it('accepts the genesis written by tally network init', () => {
    const loaded = loadGenesis(genesisPath(dir));
    assert.deepEqual(loaded, written);
    assert.equal(loaded.chainId, 'tally-unit');
    assert.deepEqual(
      loaded.nodes.map((n) => `${n.nodeId}:${n.orgId}:${n.kind}`),
      [
        'hk-wallet-1:hk-wallet:validator',
        'ph-wallet-1:ph-wallet:validator',
        'settlement-bank-1:settlement-bank:validator',
        'regulator-hk-1:regulator-hk:validator',
        'hk-wallet-2:hk-wallet:observer',
      ],
    );
    // One API client key and one gateway key per organisation.
    assert.equal(loaded.keys.length, 8);
    assert.equal(loaded.keys.filter((k) => k.name.endsWith('-gateway')).length, 4);
    assert.ok(loaded.organizations.every((o) => o.encryptionKey?.length === 32));
    assert.equal(loaded.organizations.find((o) => o.id === 'ph-wallet')?.country, 'PH');
    assert.deepEqual(loaded.consensus, consensusDefaults);
    assert.ok(Object.isFrozen(loaded) && Object.isFrozen(loaded.nodes[0]));
  });

  it('round-trips through genesisToJson', () => {
    const again = parseGenesis(JSON.parse(JSON.stringify(genesisToJson(written))));
    assert.deepEqual(again, written);
    assert.deepEqual(JSON.parse(JSON.stringify(genesisToJson(again))), doc());
  });

  it('fills consensus defaults and accepts a genesis without keys', () => {
    const d = edited((x) => {
      delete (x as Record<string, unknown>).consensus;
      delete (x as Record<string, unknown>).keys;
    });
    const g = parseGenesis(d);
    assert.deepEqual(g.consensus, consensusDefaults);
    assert.deepEqual(g.keys, []);
  });

  it('takes the consensus parameters given', () => {
    const g = parseGenesis(
      edited((d) => Object.assign(d.consensus, { blockTxsMax: 1, emptyBlockDelayMs: 0 })),
    );
    assert.deepEqual(g.consensus, { ...consensusDefaults, blockTxsMax: 1, emptyBlockDelayMs: 0 });
  });
});

describe('parseGenesis: refusals name the field', () => {
  it('error: not an object', () => {
    assert.equal(refusal([]), 'genesis_invalid: genesis document: expected an object');
  });

  it('error: wrong version', () => {
    assert.equal(
      refusal(edited((d) => (d.version = 2))),
      'genesis_invalid: genesis version: expected 1',
    );
  });

  it('error: bad ids', () => {
    assert.equal(
      refusal(edited((d) => (d.chainId = 'Tally_Unit'))),
      `genesis_invalid: genesis chainId: ${idRule}`,
    );
    assert.equal(
      refusal(edited((d) => (d.organizations[2]!.id = ''))),
      'genesis_invalid: genesis organizations[2].id: expected a non-empty string',
    );
    assert.equal(
      refusal(edited((d) => (d.nodes[1]!.nodeId = 'ph wallet'))),
      `genesis_invalid: genesis nodes[1].nodeId: ${idRule}`,
    );
    assert.equal(
      refusal(edited((d) => (d.nodes[0]!.nodeId = 'n'.repeat(65)))),
      'genesis_invalid: genesis nodes[0].nodeId: longer than 64 characters',
    );
  });

  it('error: duplicate organisation', () => {
    assert.equal(
      refusal(edited((d) => (d.organizations[1]!.id = 'hk-wallet'))),
      'genesis_invalid: genesis organizations[1]: duplicate hk-wallet',
    );
  });

  it('error: duplicate node', () => {
    assert.equal(
      refusal(edited((d) => (d.nodes[4]!.nodeId = 'ph-wallet-1'))),
      'genesis_invalid: genesis nodes[4]: duplicate ph-wallet-1',
    );
  });

  it('error: a public key listed twice names the entry that repeats it', () => {
    const d = edited((x) => (x.keys[0]!.publicKey = x.nodes[1]!.publicKey));
    assert.equal(
      refusal(d),
      'genesis_invalid: genesis keys[0].publicKey: duplicate of nodes[1].publicKey',
    );
  });

  it('error: unknown orgId', () => {
    assert.equal(
      refusal(edited((d) => (d.nodes[2]!.orgId = 'nobody'))),
      'genesis_invalid: genesis nodes[2].orgId: no organisation nobody',
    );
    assert.equal(
      refusal(edited((d) => (d.keys[3]!.orgId = 'nobody'))),
      'genesis_invalid: genesis keys[3].orgId: no organisation nobody',
    );
  });

  it('error: no validator', () => {
    const d = edited((x) => {
      for (const n of x.nodes) n.kind = 'observer';
    });
    assert.equal(refusal(d), 'genesis_invalid: genesis nodes: at least one validator is required');
  });

  it('error: bad node kind', () => {
    assert.equal(
      refusal(edited((d) => (d.nodes[0]!.kind = 'leader'))),
      'genesis_invalid: genesis nodes[0].kind: expected validator or observer',
    );
  });

  it('error: bad suite', () => {
    assert.equal(
      refusal(edited((d) => (d.nodes[3]!.suite = 'rsa'))),
      'genesis_invalid: genesis nodes[3].suite: expected ed25519, p256 or sm2',
    );
  });

  it('error: bad key length or encoding', () => {
    assert.equal(
      refusal(edited((d) => (d.nodes[1]!.publicKey = `${d.nodes[1]!.publicKey as string}00`))),
      'genesis_invalid: genesis nodes[1].publicKey: a ed25519 public key has 32 bytes',
    );
    const p256 = toHex(getSuite('p256').generateKeyPair().publicKey);
    assert.equal(
      refusal(edited((d) => (d.keys[0]!.publicKey = p256))),
      'genesis_invalid: genesis keys[0].publicKey: a ed25519 public key has 32 bytes',
    );
    assert.equal(
      refusal(
        edited((d) => (d.nodes[1]!.publicKey = (d.nodes[1]!.publicKey as string).toUpperCase())),
      ),
      'genesis_invalid: genesis nodes[1].publicKey: expected lower-case hex, two digits a byte',
    );
  });

  it('error: an odd-length hex key names the field', () => {
    assert.equal(
      refusal(edited((d) => (d.nodes[1]!.publicKey = 'abc'))),
      'genesis_invalid: genesis nodes[1].publicKey: expected lower-case hex, two digits a byte',
    );
  });

  it('error: bad roles', () => {
    assert.equal(
      refusal(edited((d) => (d.organizations[0]!.roles = ['validator', 'king']))),
      'genesis_invalid: genesis organizations[0].roles[1]: expected one of validator, observer, issuer, fx-provider, regulator, identity-provider, wallet, bank',
    );
    assert.equal(
      refusal(edited((d) => (d.organizations[0]!.roles = ['issuer', 'issuer']))),
      'genesis_invalid: genesis organizations[0].roles: duplicate entry',
    );
    assert.equal(
      refusal(edited((d) => (d.keys[1]!.roles = ['submit', 'admin']))),
      'genesis_invalid: genesis keys[1].roles[1]: expected one of submit, read, operator',
    );
    assert.equal(
      refusal(edited((d) => (d.keys[1]!.roles = 'submit'))),
      'genesis_invalid: genesis keys[1].roles: expected an array',
    );
  });

  it('error: bad addresses and certificates', () => {
    assert.equal(
      refusal(edited((d) => ((d.nodes[0]!.p2p as Record<string, unknown>).port = 70_000))),
      'genesis_invalid: genesis nodes[0].p2p.port: expected 1..65535',
    );
    assert.equal(
      refusal(edited((d) => (d.nodes[0]!.api = 'localhost:8080'))),
      'genesis_invalid: genesis nodes[0].api: expected an object',
    );
    assert.equal(
      refusal(edited((d) => (d.organizations[1]!.caCertPem = 'not a certificate'))),
      'genesis_invalid: genesis organizations[1].caCertPem: expected a PEM certificate',
    );
  });

  it('error: bad consensus params', () => {
    const cases: [string, unknown, string][] = [
      ['roundTimeoutMs', 10, 'expected 50..60000'],
      ['roundTimeoutDoublingsMax', 11, 'expected 0..10'],
      ['blockTxsMax', 0, 'expected 1..10000'],
      ['emptyBlockDelayMs', 1.5, 'expected an integer'],
      ['blockIntervalMinMs', -1, 'expected 0..60000'],
      ['blockTxsMax', '100', 'expected an integer'],
    ];
    for (const [name, value, message] of cases) {
      assert.equal(
        refusal(edited((d) => (d.consensus[name] = value))),
        `genesis_invalid: genesis consensus.${name}: ${message}`,
      );
    }
    assert.equal(
      refusal(edited((d) => (d.consensus = [] as unknown as Record<string, unknown>))),
      'genesis_invalid: genesis consensus: expected an object',
    );
  });

  it('error: an empty-block delay or block interval that leaves a round no room', () => {
    assert.equal(
      refusal(
        edited(
          (d) => (d.consensus = { ...d.consensus, roundTimeoutMs: 1000, emptyBlockDelayMs: 500 }),
        ),
      ),
      'genesis_invalid: genesis consensus.emptyBlockDelayMs: at most roundTimeoutMs / 4 (250)',
    );
    assert.equal(
      refusal(
        edited(
          (d) => (d.consensus = { ...d.consensus, roundTimeoutMs: 1000, blockIntervalMinMs: 300 }),
        ),
      ),
      'genesis_invalid: genesis consensus.blockIntervalMinMs: at most roundTimeoutMs / 4 (250)',
    );
  });

  it('an unset block interval is the default, or a quarter of a shorter round timeout', () => {
    const intervalOf = (consensus: Record<string, number>) => {
      const d = doc();
      d.consensus = consensus;
      return parseGenesis(d).consensus.blockIntervalMinMs;
    };
    assert.equal(intervalOf({}), consensusDefaults.blockIntervalMinMs);
    assert.equal(intervalOf({ roundTimeoutMs: 60, emptyBlockDelayMs: 10 }), 15);
    assert.equal(
      intervalOf({ roundTimeoutMs: 60, emptyBlockDelayMs: 10, blockIntervalMinMs: 5 }),
      5,
    );
    assert.equal(intervalOf({ roundTimeoutMs: 5000 }), consensusDefaults.blockIntervalMinMs);
  });

  it('error: more validators than a validator set holds', () => {
    const d = doc();
    const template = d.nodes[0]!;
    d.nodes = Array.from({ length: validatorsMax + 1 }, (_, i) => ({
      ...template,
      nodeId: `v-${i}`,
      publicKey: toHex(getSuite('ed25519').keyPairFromSecret(seedOf(i)).publicKey),
    }));
    d.keys = [];
    assert.match(refusal(d), /^genesis_invalid: genesis nodes: /);
  });
});

describe('loadGenesis', () => {
  it('error: a missing file', () => {
    const path = join(dir, 'absent.json');
    assert.throws(() => loadGenesis(path), {
      name: 'TallyError',
      code: 'genesis_unreadable',
      message: `cannot read genesis file ${path}`,
    });
  });

  it('error: a file that is not JSON', () => {
    const path = join(dir, 'nodes', 'hk-wallet-1', 'tls.crt');
    assert.throws(() => loadGenesis(path), {
      code: 'genesis_invalid',
      message: `genesis file ${path} is not JSON`,
    });
  });
});

describe('genesis block and validator set', () => {
  it('lists the validators in genesis order, observers left out', () => {
    const set = genesisValidatorSet(written);
    assert.equal(set.epoch, 1);
    assert.deepEqual(
      set.validators.map((v) => v.orgId),
      ['hk-wallet', 'ph-wallet', 'settlement-bank', 'regulator-hk'],
    );
    assert.deepEqual(
      set.validators.map((v) => toHex(v.publicKey)),
      written.nodes.slice(0, 4).map((n) => toHex(n.publicKey)),
    );
  });

  it('creates the same genesis block every time, committing to the validator set', () => {
    const a = createGenesisBlock(written);
    const b = createGenesisBlock(loadGenesis(genesisPath(dir)));
    assert.deepEqual(a, b);
    assert.deepEqual(hashHeader(a.header), hashHeader(b.header));
    assert.deepEqual(a.header.validatorSetHash, hashValidatorSet(genesisValidatorSet(written)));
    assert.equal(a.header.height, 0);
    assert.equal(a.header.timeMs, written.genesisTimeMs);
    assert.equal(a.header.chainId, 'tally-unit');
    assert.deepEqual(a.txs, []);
    assert.equal(a.header.justify.signers.length, 1);
  });

  it('gives another genesis time another genesis block', () => {
    const later = parseGenesis(edited((d) => (d.genesisTimeMs = (d.genesisTimeMs as number) + 1)));
    assert.notDeepEqual(
      hashHeader(createGenesisBlock(later).header),
      hashHeader(createGenesisBlock(written).header),
    );
  });
});

function seedOf(i: number): Uint8Array {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, i + 1);
  return seed;
}
