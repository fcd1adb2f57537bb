// Who may call each method, what register_corridor checks, the sanctions list, and malformed
// arguments (invalid_args naming the field). Every test ends with checkInvariants.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  corridorArgs,
  getCorridor,
  getKycLevel,
  getSanctionsList,
  listCorridors,
  policyArgs,
  rejectArgs,
  reviewArgs,
  travelRuleBytesMax,
} from '../../src/apps/remittance/index.ts';
import type { CborValue } from '../../src/codec/index.ts';
import { envelopeBytesMax } from '../../src/crypto/envelope.ts';
import { sha256Node } from '../../src/crypto/hash-node.ts';
import {
  acct,
  checkInvariants,
  corridorInput,
  createRemitChain,
  hkdToPhp,
  id,
  orgs,
  type RemitChain,
  signers,
  uetr,
} from './harness.ts';

async function withChain(fn: (chain: RemitChain) => Promise<void> | void): Promise<void> {
  const chain = await createRemitChain();
  await fn(chain);
  checkInvariants(chain);
}

function code(chain: RemitChain, signer: Uint8Array, method: string, args: CborValue): string {
  return chain.call(signer, method, args).code;
}

describe('remittance methods: who may call them', () => {
  it('error: a key no organisation registered is refused before any method runs', () =>
    withChain(async (chain) => {
      const corridor = corridorArgs(corridorInput(hkdToPhp));
      assert.equal(code(chain, signers.outsider, 'register_corridor', corridor), 'signer_unknown');
      assert.equal(code(chain, signers.outsider, 'accept', { id: uetr(1) }), 'signer_unknown');
    }));

  it('error: not_authorized for the wrong signer organisation of each method', () =>
    withChain(async (chain) => {
      const corridor = corridorArgs(corridorInput(hkdToPhp));
      for (const signer of [signers.hk, signers.ph, signers.regHk]) {
        assert.equal(code(chain, signer, 'register_corridor', corridor), 'not_authorized');
      }
      assert.equal(
        code(chain, signers.ph, 'set_kyc', { accountId: id(acct.alice), level: 2 }),
        'not_authorized',
      );
      assert.equal(
        code(chain, signers.bank, 'set_kyc', { accountId: id(acct.alice), level: 2 }),
        'not_authorized',
      );
      assert.equal(
        code(chain, signers.hk, 'set_kyc', { accountId: id(99), level: 2 }),
        'account_not_found',
      );
      const policy = policyArgs({ corridor: hkdToPhp, autoAccept: true });
      for (const signer of [signers.hk, signers.bank]) {
        assert.equal(code(chain, signer, 'set_acceptance_policy', policy), 'not_authorized');
      }
      assert.equal(
        code(
          chain,
          signers.ph,
          'set_acceptance_policy',
          policyArgs({ corridor: 'X', autoAccept: true }),
        ),
        'corridor_not_found',
      );
      for (const signer of [signers.hk, signers.ph]) {
        assert.equal(
          code(chain, signer, 'load_sanctions', { names: ['A B'], replace: false }),
          'not_authorized',
        );
      }
      assert.equal((await chain.send({ n: 1, signer: signers.bank })).code, 'not_sending_wallet');
      assert.equal((await chain.send({ n: 1 })).code, 'ok');
      for (const signer of [signers.hk, signers.bank, signers.regPh]) {
        assert.equal(code(chain, signer, 'accept', { id: uetr(1) }), 'not_authorized');
        assert.equal(
          code(chain, signer, 'reject', rejectArgs({ id: uetr(1), reason: 'AC04' })),
          'not_authorized',
        );
      }
      for (const signer of [signers.hk, signers.ph]) {
        assert.equal(
          code(chain, signer, 'review', reviewArgs({ id: uetr(1), decision: 'refuse' })),
          'not_authorized',
        );
      }
      assert.equal(
        code(chain, signers.bank, 'review', reviewArgs({ id: uetr(1), decision: 'refuse' })),
        'remittance_not_held',
      );
      assert.equal(code(chain, signers.ph, 'accept', { id: uetr(2) }), 'remittance_not_found');
      assert.equal(chain.remittance(1).status, 'pending');
    }));

  it('sets KYC levels and acceptance policies for the operating organisation', () =>
    withChain((chain) => {
      assert.equal(getKycLevel(chain.state, id(acct.alice)), 1);
      assert.equal(getKycLevel(chain.state, id(acct.bob)), 0);
      const out = chain.block([
        { signer: signers.hk, method: 'set_kyc', args: { accountId: id(acct.bob), level: 3 } },
      ]);
      assert.equal(out.results[0]!.code, 'ok');
      assert.deepEqual(
        out.results[0]!.events.map((e) => e.type),
        ['kyc_level_set'],
      );
      assert.equal(getKycLevel(chain.state, id(acct.bob)), 3);
    }));
});

describe('remittance register_corridor', () => {
  it('registers, lists and updates a corridor by its FX bank', () =>
    withChain((chain) => {
      assert.deepEqual(
        listCorridors(chain.state).map((c) => c.id),
        ['HKD-PHP', 'PHP-HKD'],
      );
      const c = getCorridor(chain.state, hkdToPhp);
      assert.equal(c?.fxOrg, orgs.bank);
      assert.deepEqual(c?.regulators, [orgs.regHk, orgs.regPh]);
      const updated = corridorArgs(corridorInput(hkdToPhp, { acceptWindowSec: 1200 }));
      assert.equal(code(chain, signers.bank, 'register_corridor', updated), 'ok');
      assert.equal(getCorridor(chain.state, hkdToPhp)?.acceptWindowSec, 1200);
      assert.equal(getCorridor(chain.state, hkdToPhp)?.createdHeight, c?.createdHeight);
      assert.equal(listCorridors(chain.state).length, 2);
    }));

  it('error: org_not_found, org_role_missing, currency_not_found, account_not_found, account_invalid', () =>
    withChain((chain) => {
      const register = (over: Parameters<typeof corridorInput>[1]) =>
        code(
          chain,
          signers.bank,
          'register_corridor',
          corridorArgs(corridorInput(hkdToPhp, { id: 'NEW', ...over })),
        );
      assert.equal(register({ sendingOrg: 'nobody' }), 'org_not_found');
      assert.equal(register({ sendingOrg: orgs.regHk }), 'org_role_missing');
      assert.equal(register({ receivingOrg: orgs.bank }), 'org_role_missing');
      assert.equal(register({ regulators: [orgs.hk] }), 'org_role_missing');
      assert.equal(register({ receiveCurrency: 'USD' }), 'currency_not_found');
      const accounts = corridorInput(hkdToPhp).accounts;
      assert.equal(register({ accounts: { ...accounts, fxSend: id(99) } }), 'account_not_found');
      assert.equal(
        register({ accounts: { ...accounts, fxSend: id(acct.fxPhp) } }),
        'account_invalid',
      );
      assert.equal(
        register({ accounts: { ...accounts, fxSend: id(acct.hkSettlement) } }),
        'account_invalid',
      );
      assert.equal(
        register({ accounts: { ...accounts, sendingSettlement: id(acct.fxHkd) } }),
        'ok',
      );
    }));

  it('error: too_many_accept_windows past 16 distinct windows in use', () =>
    withChain((chain) => {
      const calls = Array.from({ length: 15 }, (_, i) => ({
        signer: signers.bank,
        method: 'register_corridor',
        args: corridorArgs(corridorInput(hkdToPhp, { id: `W${i}`, acceptWindowSec: 1000 + i })),
      }));
      assert.deepEqual(
        chain.block(calls).results.map((r) => r.code),
        Array(15).fill('ok'),
      );
      const extra = corridorArgs(corridorInput(hkdToPhp, { id: 'W99', acceptWindowSec: 5 }));
      assert.equal(
        code(chain, signers.bank, 'register_corridor', extra),
        'too_many_accept_windows',
      );
      // Moving W0 onto a window in use frees its own window.
      const moved = corridorArgs(corridorInput(hkdToPhp, { id: 'W0', acceptWindowSec: 600 }));
      assert.equal(code(chain, signers.bank, 'register_corridor', moved), 'ok');
      assert.equal(code(chain, signers.bank, 'register_corridor', extra), 'ok');
    }));
});

describe('remittance sanctions list', () => {
  it('loads, appends and replaces with a version per load', () =>
    withChain((chain) => {
      assert.deepEqual(getSanctionsList(chain.state), { version: 0, names: [] });
      const out = chain.block([
        {
          signer: signers.regPh,
          method: 'load_sanctions',
          args: { names: ['Ivan Drago', 'Carlos Jackal'], replace: false },
        },
      ]);
      assert.equal(out.results[0]!.code, 'ok');
      assert.deepEqual(
        out.results[0]!.events.map((e) => e.attributes),
        [{ version: 1, count: 2, loadedBy: orgs.regPh }],
      );
      assert.equal(
        code(chain, signers.bank, 'load_sanctions', {
          names: ['Mohammed Example'],
          replace: false,
        }),
        'ok',
      );
      assert.deepEqual(getSanctionsList(chain.state), {
        version: 2,
        names: ['Ivan Drago', 'Carlos Jackal', 'Mohammed Example'],
      });
      assert.equal(
        code(chain, signers.bank, 'load_sanctions', { names: ['Muhammad Example'], replace: true }),
        'ok',
      );
      assert.deepEqual(getSanctionsList(chain.state), { version: 3, names: ['Muhammad Example'] });
    }));

  it('screens with the list as it stands: a replaced name no longer holds', () =>
    withChain(async (chain) => {
      assert.equal(
        code(chain, signers.bank, 'load_sanctions', { names: ['Maria Santos'], replace: false }),
        'ok',
      );
      assert.equal((await chain.send({ n: 1 })).code, 'ok');
      assert.equal(chain.remittance(1).status, 'held');
      assert.equal(
        code(chain, signers.bank, 'load_sanctions', { names: ['Somebody Else'], replace: true }),
        'ok',
      );
      assert.equal((await chain.send({ n: 2 })).code, 'ok');
      assert.equal(chain.remittance(2).status, 'pending');
      // Empty screening keys match nothing.
      const call = await chain.sendCall({ n: 3 });
      const args = {
        ...(call.args as Record<string, never>),
        screening: { originator: [], beneficiary: [] },
      };
      assert.equal(chain.block([{ ...call, args }]).results[0]!.code, 'ok');
      assert.equal(chain.remittance(3).status, 'pending');
    }));

  it('error: invalid_args for a name with no tokens; too_many_sanctions_entries past 4096', () =>
    withChain((chain) => {
      const bad = chain.call(signers.bank, 'load_sanctions', { names: ['Mr.'], replace: false });
      assert.equal(bad.code, 'invalid_args');
      assert.match(bad.message ?? '', /args\.names\[0\]/);
      const names = Array.from({ length: 256 }, (_, i) => `Person Number${i} Listed`);
      const calls = Array.from({ length: 16 }, () => ({
        signer: signers.bank,
        method: 'load_sanctions',
        args: { names, replace: false },
      }));
      assert.deepEqual(
        chain.block(calls).results.map((r) => r.code),
        Array(16).fill('ok'),
      );
      assert.equal(
        code(chain, signers.bank, 'load_sanctions', { names: ['One More'], replace: false }),
        'too_many_sanctions_entries',
      );
      assert.equal(
        code(chain, signers.bank, 'load_sanctions', { names: ['One More'], replace: true }),
        'ok',
      );
      assert.deepEqual(getSanctionsList(chain.state).names, ['One More']);
    }));
});

describe('remittance malformed arguments', () => {
  it('error: invalid_args naming the field for each method', async () => {
    const chain = await createRemitChain();
    const send = (await chain.sendCall({ n: 1 })).args as Record<string, CborValue>;
    const cases: Array<[Uint8Array, string, CborValue, RegExp]> = [
      [
        signers.bank,
        'register_corridor',
        {
          ...(corridorArgs(corridorInput(hkdToPhp)) as Record<string, CborValue>),
          acceptWindowSec: 0,
        },
        /args\.acceptWindowSec/,
      ],
      [
        signers.bank,
        'register_corridor',
        { ...(corridorArgs(corridorInput(hkdToPhp)) as Record<string, CborValue>), kycTiers: [] },
        /args\.kycTiers/,
      ],
      [
        signers.bank,
        'register_corridor',
        { ...(corridorArgs(corridorInput(hkdToPhp)) as Record<string, CborValue>), id: 'a b' },
        /args\.id/,
      ],
      [signers.hk, 'set_kyc', { accountId: id(1), level: 256 }, /args\.level/],
      [
        signers.ph,
        'set_acceptance_policy',
        { corridor: hkdToPhp, autoAccept: 'yes' },
        /args\.autoAccept/,
      ],
      [signers.bank, 'load_sanctions', { names: 'x', replace: false }, /args\.names/],
      [signers.hk, 'send', { ...send, id: id(5) }, /args\.id: expected a UUID v4/],
      [signers.hk, 'send', { ...send, extra: 1 }, /args\.extra/],
      [signers.hk, 'send', { ...send, travelRuleHash: new Uint8Array(31) }, /args\.travelRuleHash/],
      [
        signers.hk,
        'send',
        { ...send, travelRule: new Uint8Array(travelRuleBytesMax + 1) },
        /args\.travelRule/,
      ],
      [
        signers.hk,
        'send',
        {
          ...send,
          travelRule: new Uint8Array([1, 2, 3]),
          travelRuleHash: sha256Node(new Uint8Array([1, 2, 3])),
        },
        /envelope/,
      ],
      [
        signers.hk,
        'send',
        { ...send, screening: { originator: [new Uint8Array(32)] } },
        /args\.screening\.beneficiary/,
      ],
      [signers.hk, 'send', { ...send, endToEndId: 'x'.repeat(36) }, /args\.endToEndId/],
      [
        signers.hk,
        'send',
        { ...send, quote: { ...(send.quote as Record<string, CborValue>), suite: 'rsa' } },
        /args\.quote\.suite/,
      ],
      [signers.ph, 'accept', { id: uetr(1), more: true }, /args\.more/],
      [signers.ph, 'reject', { id: uetr(1), reason: 'ac04' }, /args\.reason/],
      [
        signers.ph,
        'reject',
        { id: uetr(1), reason: 'AC04', message: 'x'.repeat(141) },
        /args\.message/,
      ],
      [signers.bank, 'review', { id: uetr(1), decision: 'maybe' }, /args\.decision/],
      [signers.bank, 'review', [uetr(1)], /args: expected a map/],
    ];
    for (const [signer, method, args, field] of cases) {
      const result = chain.call(signer, method, args);
      assert.equal(result.code, 'invalid_args', `${method} ${field}`);
      assert.match(result.message ?? '', field);
    }
    checkInvariants(chain);
  });

  it('keeps the envelope cap equal to crypto/envelope.ts', () => {
    assert.equal(travelRuleBytesMax, envelopeBytesMax);
  });

  it('args.ts is browser-safe: nothing from node: reached, transitively', () => {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(
        /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g,
      )) {
        const specifier = m[1]!;
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
        else if (/^node:|^lmdb$/.test(specifier)) offending.push(`${file} imports ${specifier}`);
      }
    };
    visit(resolve(import.meta.dirname, '../../src/apps/remittance/args.ts'));
    assert.ok(seen.size > 3);
    assert.deepEqual(offending, []);
  });
});
