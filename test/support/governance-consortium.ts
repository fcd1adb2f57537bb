// Four organisations with operator keys and five nodes (the fifth an observer), as the epoch tests
// run them on a LocalChain: the identity and governance modules, and governance calls signed by an
// organisation's operator key.
import type { CborValue } from '../../src/codec/index.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';
import { createGovernanceModule } from '../../src/modules/governance/index.ts';
import { createDirectory, createIdentityModule } from '../../src/modules/identity/index.ts';

export const genesisTimeMs = 1_767_225_600_000;
const ed25519 = getSuite('ed25519');
export const keyOf = (seed: number): KeyPair =>
  ed25519.keyPairFromSecret(new Uint8Array(32).fill(seed));

export const orgs = ['org-0', 'org-1', 'org-2', 'org-3'];
export const operators = orgs.map((_, i) => keyOf(10 + i));
export const nodes = [0, 1, 2, 3, 4].map((i) => ({
  nodeId: `node-${i}`,
  orgId: orgs[i % orgs.length]!,
  suite: 'ed25519' as const,
  publicKey: keyOf(50 + i).publicKey,
}));

/** Identity and governance over this consortium; the first four nodes are the genesis validators. */
export function consortiumModules() {
  const directory = createDirectory({
    orgs: orgs.map((id) => ({ id, name: id, roles: [] })),
    keys: operators.map((k, i) => ({
      publicKey: k.publicKey,
      orgId: orgs[i]!,
      roles: ['submit', 'operator'],
      suite: 'ed25519',
      name: `${orgs[i]}-op`,
    })),
  });
  return [
    createIdentityModule({ directory }),
    createGovernanceModule({
      directory,
      nodes,
      genesisValidators: nodes.slice(0, 4).map((n) => n.nodeId),
    }),
  ];
}

let nonce = 0n;

/** A governance call signed by organisation `org`'s operator key. */
export function governanceCall(
  chainId: string,
  org: number,
  method: string,
  args: CborValue,
): Transaction {
  return signTransaction(
    {
      chainId,
      suite: 'ed25519',
      signer: operators[org]!.publicKey,
      nonce: ++nonce,
      expiresAtMs: genesisTimeMs + 3_600_000,
      module: 'governance',
      method,
      args,
    },
    ed25519,
    operators[org]!.secretKey,
  );
}
