// The identity module's key management run through the real runtime over a memory state: every
// refusal code of add_key and revoke_key, the last-operator rule, the execution-time refusal of a
// signer that is not live (signer_revoked, signer_unknown, with no effects), and determinism.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CborValue } from '../../src/codec/index.ts';
import { sha256 } from '../../src/crypto/sha256.ts';
import {
  createMemoryState,
  createRegistry,
  executeBlock,
  type MemoryState,
  type Module,
  type Registry,
  type TxResult,
} from '../../src/execution/index.ts';
import {
  createDirectory,
  createIdentityModule,
  type Directory,
  genesisRecord,
  getOrgKeys,
  keyChangesPerOrgMax,
} from '../../src/modules/identity/index.ts';
import { toHex } from '../../src/util/bytes.ts';

/** A deterministic 32-byte "ed25519" public key: the module checks length, not the curve. */
const pk = (n: number) => sha256(new Uint8Array([n, n >> 8]));
const p256 = (n: number) => {
  const key = new Uint8Array(33);
  key[0] = 2;
  key.set(sha256(new Uint8Array([n])), 1);
  return key;
};

const hkOperator = pk(1);
const hkSubmitter = pk(2);
const phOperator = pk(3);

const directory: Directory = createDirectory({
  orgs: [
    { id: 'hk-wallet', name: 'HK Wallet', roles: ['wallet', 'issuer'] },
    { id: 'ph-wallet', name: 'PH Wallet', roles: ['wallet'] },
  ],
  keys: [
    {
      publicKey: hkOperator,
      orgId: 'hk-wallet',
      roles: ['submit', 'read', 'operator'],
      name: 'hk-api',
      suite: 'ed25519',
    },
    {
      publicKey: hkSubmitter,
      orgId: 'hk-wallet',
      roles: ['submit'],
      name: 'hk-teller',
      suite: 'ed25519',
    },
    {
      publicKey: phOperator,
      orgId: 'ph-wallet',
      roles: ['submit', 'operator'],
      name: 'ph-api',
      suite: 'ed25519',
    },
  ],
});

/** A module that records who ran it, so a test can see a refused signer never reached a module. */
const echo: Module = {
  name: 'echo',
  methods: {
    ping(ctx) {
      ctx.state.set(new Uint8Array([1]), ctx.txId);
      ctx.emit('pong', { signer: ctx.signer.publicKey });
      return { code: 'ok' };
    },
  },
};

type Call = {
  signer: Uint8Array;
  method: string;
  args: CborValue;
  module?: string;
  suite?: string;
};

class Chain {
  readonly state: MemoryState = createMemoryState();
  readonly registry: Registry = createRegistry([createIdentityModule({ directory }), echo]);
  height = 0;
  nonce = 0;

  /** Executes one block of calls and commits its changes; the results, one per call. */
  block(calls: readonly Call[]): TxResult[] {
    this.height += 1;
    const output = executeBlock(
      this.registry,
      this.state,
      { height: this.height, timeMs: 1_700_000_000_000 + this.height, seed: new Uint8Array(32) },
      calls.map((c) => ({
        txId: sha256(new Uint8Array([this.height, this.nonce++])),
        suite: c.suite ?? 'ed25519',
        signer: c.signer,
        module: c.module ?? 'identity',
        method: c.method,
        args: c.args,
      })),
    );
    this.state.apply(output.changes);
    return output.results;
  }

  run(call: Call): TxResult {
    return this.block([call])[0]!;
  }

  add(signer: Uint8Array, publicKey: Uint8Array, roles: string[] = ['submit'], name = 'teller-2') {
    return this.run({
      signer,
      method: 'add_key',
      args: { name, suite: publicKey.length === 32 ? 'ed25519' : 'p256', publicKey, roles },
    });
  }

  revoke(signer: Uint8Array, publicKey: Uint8Array) {
    return this.run({ signer, method: 'revoke_key', args: { publicKey } });
  }

  ping(signer: Uint8Array, suite = 'ed25519') {
    return this.run({ signer, module: 'echo', method: 'ping', args: null, suite });
  }
}

const addArgs = (over: { [k: string]: CborValue }) => ({
  name: 'teller-2',
  suite: 'ed25519',
  publicKey: pk(50),
  roles: ['submit'],
  ...over,
});

describe('identity.add_key', () => {
  it('adds a key to the signer’s organisation, which then signs', () => {
    const c = new Chain();
    assert.equal(c.ping(pk(50)).code, 'signer_unknown');
    const added = c.add(hkOperator, pk(50), ['read', 'submit']);
    assert.equal(added.code, 'ok', added.message);
    assert.deepEqual(added.events, [
      {
        module: 'identity',
        type: 'key_added',
        attributes: {
          orgId: 'hk-wallet',
          publicKey: pk(50),
          name: 'teller-2',
          suite: 'ed25519',
          roles: ['submit', 'read'],
          height: 2,
        },
      },
    ]);
    assert.equal(c.ping(pk(50)).code, 'ok');
    const keys = getOrgKeys(c.state, directory, 'hk-wallet');
    assert.deepEqual(
      keys.map((k) => [k.name, k.addedHeight, k.revokedHeight]),
      [
        ['hk-api', 0, undefined],
        ['hk-teller', 0, undefined],
        ['teller-2', 2, undefined],
      ],
    );
  });

  it('takes a p256 key of 33 bytes', () => {
    assert.equal(new Chain().add(hkOperator, p256(1)).code, 'ok');
  });

  const refusals: { [code: string]: (c: Chain) => TxResult } = {
    key_not_operator: (c) => c.add(hkSubmitter, pk(50)),
    key_exists: (c) => {
      assert.equal(c.add(hkOperator, pk(50)).code, 'ok');
      return c.add(phOperator, pk(50), ['submit'], 'other');
    },
    key_exists_genesis: (c) => c.add(hkOperator, phOperator, ['submit'], 'other'),
    key_revoked: (c) => {
      assert.equal(c.add(hkOperator, pk(50)).code, 'ok');
      assert.equal(c.revoke(hkOperator, pk(50)).code, 'ok');
      return c.add(hkOperator, pk(50), ['submit'], 'again');
    },
    key_name_invalid: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ name: ' x' }) }),
    key_name_invalid_empty: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ name: '' }) }),
    key_name_taken: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ name: 'hk-teller' }) }),
    key_suite_unknown: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ suite: 'rsa' }) }),
    key_invalid: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ suite: 'p256' }) }),
    key_roles_invalid: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ roles: [] }) }),
    key_roles_invalid_role: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ roles: ['admin'] }) }),
    key_roles_invalid_twice: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ roles: ['read', 'read'] }) }),
    invalid_args: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ publicKey: 'ab' }) }),
    invalid_args_extra: (c) =>
      c.run({ signer: hkOperator, method: 'add_key', args: addArgs({ extra: 1 }) }),
  };
  for (const [name, scenario] of Object.entries(refusals)) {
    const code = name.replace(/_(genesis|empty|role|twice|extra)$/, '');
    it(`error: ${name}`, () => {
      const c = new Chain();
      const result = scenario(c);
      assert.equal(result.code, code, result.message);
      assert.deepEqual(result.events, []);
    });
  }

  it('error: key_limit_reached once an organisation changed keyChangesPerOrgMax keys', () => {
    const c = new Chain();
    const calls = Array.from({ length: keyChangesPerOrgMax }, (_, i) => ({
      signer: hkOperator,
      method: 'add_key',
      args: addArgs({ name: `k${i}`, publicKey: pk(1000 + i) }),
    }));
    assert.ok(c.block(calls).every((r) => r.code === 'ok'));
    assert.equal(c.add(hkOperator, pk(99), ['submit'], 'one-more').code, 'key_limit_reached');
  });

  it('pins the refusal messages users see', () => {
    const c = new Chain();
    assert.equal(
      c.add(hkSubmitter, pk(50)).message,
      'managing keys needs a key of the organisation with role operator',
    );
    assert.equal(
      c.add(hkOperator, hkSubmitter, ['submit'], 'x').message,
      'this key is already registered',
    );
  });
});

describe('identity.revoke_key', () => {
  it('revokes a genesis key: its next transaction fails at execution with no effects', () => {
    const c = new Chain();
    assert.equal(c.ping(hkSubmitter).code, 'ok');
    const revoked = c.revoke(hkOperator, hkSubmitter);
    assert.equal(revoked.code, 'ok', revoked.message);
    assert.equal(revoked.events[0]!.type, 'key_revoked');
    const before = c.state.entries().map((e) => toHex(e.value));
    const refused = c.ping(hkSubmitter);
    assert.equal(refused.code, 'signer_revoked');
    assert.match(refused.message ?? '', /was revoked at height 2$/);
    assert.deepEqual(refused.events, []);
    assert.deepEqual(
      c.state.entries().map((e) => toHex(e.value)),
      before,
    );
    const listed = getOrgKeys(c.state, directory, 'hk-wallet').find((k) => k.name === 'hk-teller');
    assert.equal(listed?.revokedHeight, 2);
  });

  it('applies a revocation to the rest of its own block', () => {
    const c = new Chain();
    const results = c.block([
      { signer: hkSubmitter, module: 'echo', method: 'ping', args: null },
      { signer: hkOperator, method: 'revoke_key', args: { publicKey: hkSubmitter } },
      { signer: hkSubmitter, module: 'echo', method: 'ping', args: null },
    ]);
    assert.deepEqual(
      results.map((r) => r.code),
      ['ok', 'ok', 'signer_revoked'],
    );
  });

  it('lets an organisation revoke an operator key while another operator remains', () => {
    const c = new Chain();
    assert.equal(c.add(hkOperator, pk(60), ['operator'], 'ops-2').code, 'ok');
    assert.equal(c.revoke(pk(60), hkOperator).code, 'ok');
    assert.equal(c.revoke(pk(60), pk(60)).code, 'key_last_operator');
    assert.equal(c.ping(hkOperator).code, 'signer_revoked');
  });

  const refusals: { [code: string]: (c: Chain) => TxResult } = {
    key_not_operator: (c) => c.revoke(hkSubmitter, hkSubmitter),
    key_unknown: (c) => c.revoke(hkOperator, pk(77)),
    key_other_org: (c) => c.revoke(hkOperator, phOperator),
    key_last_operator: (c) => c.revoke(hkOperator, hkOperator),
    key_revoked: (c) => {
      assert.equal(c.revoke(hkOperator, hkSubmitter).code, 'ok');
      return c.revoke(hkOperator, hkSubmitter);
    },
    invalid_args: (c) => c.run({ signer: hkOperator, method: 'revoke_key', args: { key: pk(2) } }),
  };
  for (const [code, scenario] of Object.entries(refusals)) {
    it(`error: ${code}`, () => {
      const result = scenario(new Chain());
      assert.equal(result.code, code, result.message);
      assert.deepEqual(result.events, []);
    });
  }

  it('pins the last-operator message', () => {
    assert.equal(
      new Chain().revoke(hkOperator, hkOperator).message,
      'it is the last operator key of hk-wallet',
    );
  });
});

describe('signer check at execution', () => {
  it('error: signer_unknown for a key no organisation registered, before any module runs', () => {
    const c = new Chain();
    const result = c.ping(pk(99));
    assert.equal(result.code, 'signer_unknown');
    assert.equal(result.message, 'the signing key is not registered to any member organisation');
    assert.equal(c.state.size, 0);
  });

  it('error: signer_unknown for a registered key used under another suite', () => {
    const c = new Chain();
    assert.equal(c.add(hkOperator, p256(5)).code, 'ok');
    assert.equal(c.ping(p256(5), 'sm2').code, 'signer_unknown');
    assert.equal(c.ping(p256(5), 'p256').code, 'ok');
  });

  it('refuses a revoked signer whatever it calls, even identity itself', () => {
    const c = new Chain();
    assert.equal(c.add(hkOperator, pk(60), ['operator'], 'ops-2').code, 'ok');
    assert.equal(c.revoke(hkOperator, pk(60)).code, 'ok');
    assert.equal(c.revoke(pk(60), hkSubmitter).code, 'signer_revoked');
    assert.equal(
      c.run({ signer: pk(60), module: 'nothing', method: 'x', args: null }).code,
      'signer_revoked',
    );
  });
});

describe('determinism', () => {
  it('gives the same results and state on two chains fed the same blocks', () => {
    const script = (c: Chain) => [
      c.add(hkOperator, pk(50), ['submit', 'operator'], 'a'),
      c.add(pk(50), pk(51), ['read'], 'b'),
      c.revoke(pk(50), hkOperator),
      c.ping(hkOperator),
      c.revoke(pk(50), pk(51)),
      c.add(phOperator, pk(52), ['submit'], 'c'),
    ];
    const a = new Chain();
    const b = new Chain();
    const ra = script(a);
    const rb = script(b);
    assert.deepEqual(ra, rb);
    assert.deepEqual(
      ra.map((r) => r.code),
      ['ok', 'ok', 'ok', 'signer_revoked', 'ok', 'ok'],
    );
    assert.deepEqual(a.state.entries(), b.state.entries());
  });
});

describe('genesisRecord', () => {
  it('makes one frozen record per directory key, and a fresh one for a key that may still change', () => {
    const key = directory.key(hkOperator)!;
    const record = genesisRecord(key);
    assert.equal(genesisRecord(directory.key(hkOperator)!), record);
    assert.ok(Object.isFrozen(record));
    assert.deepEqual(
      { orgId: record.orgId, roles: record.roles, addedHeight: record.addedHeight },
      { orgId: 'hk-wallet', roles: key.roles, addedHeight: 0 },
    );
    const mutable = { publicKey: pk(70), orgId: 'hk-wallet', roles: ['read'] };
    assert.deepEqual(genesisRecord(mutable).roles, ['read']);
    mutable.roles = ['submit'];
    assert.deepEqual(genesisRecord(mutable).roles, ['submit']);
  });
});
