// The identity directory and the bank authority it gives: organisations, roles, registered keys, and
// accounts owned by an organisation's tag that any of its keys operates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getSuite } from '../../src/crypto/suites.ts';
import {
  createDirectory,
  orgIdPattern,
  orgOwner,
  ownerOrgId,
} from '../../src/modules/identity/index.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { acct, checkInvariants, createRemitChain, id, key, orgs, signers } from './harness.ts';

const org = (id: string, roles: string[] = ['wallet']) => ({ id, name: id.toUpperCase(), roles });

describe('identity directory', () => {
  it('finds organisations by id and by key, with their roles', () => {
    const d = createDirectory({
      orgs: [org('hk-wallet'), org('bank', ['bank', 'fx-provider', 'bank'])],
      keys: [
        { publicKey: key(1), orgId: 'hk-wallet', roles: [] },
        { publicKey: key(2), orgId: 'bank', roles: [] },
        { publicKey: key(3), orgId: 'bank', roles: ['fx-quote'] },
      ],
    });
    assert.equal(d.org('bank')?.name, 'BANK');
    assert.deepEqual(d.org('bank')?.roles, ['bank', 'fx-provider']);
    assert.equal(d.orgOfKey(key(3))?.id, 'bank');
    assert.equal(d.orgOfKey(key(9)), undefined);
    assert.equal(d.hasRole('bank', 'fx-provider'), true);
    assert.equal(d.hasRole('hk-wallet', 'bank'), false);
    assert.equal(d.hasRole('nobody', 'bank'), false);
    assert.deepEqual(
      d.orgs().map((o) => o.id),
      ['hk-wallet', 'bank'],
    );
    assert.ok(Object.isFrozen(d.org('bank')));
  });

  it('error: refuses bad ids, duplicate orgs, unknown orgs of keys and a key of two orgs', () => {
    assert.throws(
      () => createDirectory({ orgs: [org('Bad Id')], keys: [] }),
      /org id "Bad Id" is not valid/,
    );
    assert.throws(() => createDirectory({ orgs: [org('a'), org('a')], keys: [] }), /listed twice/);
    assert.throws(() => createDirectory({ orgs: [org('a', ['Not A Role'])], keys: [] }), /role/);
    assert.throws(
      () => createDirectory({ orgs: [{ id: 'a', name: '', roles: [] }], keys: [] }),
      /name/,
    );
    assert.throws(
      () =>
        createDirectory({ orgs: [{ ...org('a'), encryptionKey: new Uint8Array(31) }], keys: [] }),
      /encryptionKey must be 32 bytes/,
    );
    assert.throws(
      () =>
        createDirectory({ orgs: [org('a')], keys: [{ publicKey: key(1), orgId: 'b', roles: [] }] }),
      /keys\[0\] names unknown org b/,
    );
    assert.throws(
      () =>
        createDirectory({
          orgs: [org('a'), org('b')],
          keys: [
            { publicKey: key(1), orgId: 'a', roles: [] },
            { publicKey: key(1), orgId: 'b', roles: [] },
          ],
        }),
      /registered to a and b/,
    );
  });

  it('round-trips an org id through its owner tag', () => {
    assert.deepEqual(orgOwner('hk-wallet'), utf8('org:hk-wallet'));
    fc.assert(
      fc.property(fc.stringMatching(orgIdPattern), (orgId) => {
        assert.equal(ownerOrgId(orgOwner(orgId)), orgId);
      }),
    );
    assert.equal(ownerOrgId(key(1)), undefined);
    assert.equal(ownerOrgId(undefined), undefined);
    assert.equal(ownerOrgId(utf8('org:')), undefined);
    assert.equal(ownerOrgId(utf8('org:Bad Id')), undefined);
    assert.equal(ownerOrgId(utf8('org:caf\u00e9')), undefined);
  });
});

describe('identity orgAuthority', () => {
  it('lets any key of an organisation operate its accounts, and no other organisation', async () => {
    const chain = await createRemitChain();
    const move = (signer: Uint8Array, n: number) =>
      chain.bank(signer, 'create_transfer', {
        id: id(9000 + n),
        debitAccountId: id(acct.alice),
        creditAccountId: id(acct.bob),
        amount: 100n,
        currency: 'HKD',
      }).code;
    assert.equal(move(signers.ph, 1), 'not_authorized');
    assert.equal(move(signers.bank, 2), 'not_authorized');
    assert.equal(move(signers.outsider, 3), 'signer_unknown');
    assert.equal(move(signers.hk, 4), 'ok');
    // The issuer is the settlement bank's key, which registered the currencies.
    const issue = chain.bank(signers.bank, 'issue', {
      id: id(9100),
      accountId: id(acct.bob),
      amount: 5n,
      currency: 'HKD',
    });
    assert.equal(issue.code, 'ok');
    const notIssuer = chain.bank(signers.hk, 'issue', {
      id: id(9101),
      accountId: id(acct.bob),
      amount: 5n,
      currency: 'HKD',
    });
    assert.equal(notIssuer.code, 'not_issuer');
    assert.equal(orgs.hk, 'hk-wallet');
    checkInvariants(chain);
  });
});

describe('keys added on chain in remittance methods', () => {
  it('a key the organisation adds acts for it; once revoked it does not', async () => {
    const chain = await createRemitChain();
    const added = getSuite('ed25519').generateKeyPair().publicKey;
    const identity = (signer: Uint8Array, method: string, args: Record<string, unknown>) =>
      chain.block([{ signer, module: 'identity', method, args: args as never }]).results[0]!.code;
    const setKyc = (signer: Uint8Array) =>
      chain.call(signer, 'set_kyc', { accountId: id(acct.maria), level: 2 }).code;
    assert.equal(setKyc(added), 'signer_unknown');
    assert.equal(
      identity(signers.ph, 'add_key', {
        name: 'ph-back-office',
        suite: 'ed25519',
        publicKey: added,
        roles: ['submit'],
      }),
      'ok',
    );
    assert.equal(setKyc(added), 'ok');
    assert.equal(identity(signers.ph, 'revoke_key', { publicKey: added }), 'ok');
    assert.equal(setKyc(added), 'signer_revoked');
    checkInvariants(chain);
  });
});
