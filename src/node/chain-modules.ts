// The on-chain modules every node of a chain runs, and the genesis seen as their directory.
import type { Logger } from 'pino';
import { createRemittanceModule } from '../apps/remittance/module.ts';
import { isSuiteId } from '../crypto/suites.ts';
import type { VerifyItem } from '../crypto/verify-batch.ts';
import type { Registry } from '../execution/registry.ts';
import type { Transaction } from '../ledger/tx.ts';
import { createBankModule } from '../modules/bank/index.ts';
import { createGovernanceModule, type GovernanceNode } from '../modules/governance/index.ts';
import {
  createDirectory,
  createIdentityModule,
  type Directory,
  orgAuthority,
} from '../modules/identity/index.ts';
import type { Genesis } from './genesis.ts';

/** The organisations and keys of the genesis, as the on-chain modules see them. */
export function genesisDirectory(genesis: Genesis): Directory {
  return createDirectory({
    orgs: genesis.organizations.map((o) => ({
      id: o.id,
      name: o.name,
      roles: o.roles,
      encryptionKey: o.encryptionKey,
      country: o.country,
      bic: o.bic,
    })),
    keys: genesis.keys.map((k) => ({
      publicKey: k.publicKey,
      orgId: k.orgId,
      roles: k.roles,
      name: k.name,
      suite: k.suite,
    })),
  });
}

/** What the governance module chooses validators among: the genesis nodes and validator set. */
export type GovernanceSetup = {
  readonly nodes: readonly GovernanceNode[];
  readonly genesisValidators: readonly string[];
};

/** Every genesis node (validators and observers) with its consensus key; validators in genesis order. */
export function governanceSetup(genesis: Genesis): GovernanceSetup {
  return {
    nodes: genesis.nodes.map((n) => ({
      nodeId: n.nodeId,
      orgId: n.orgId,
      suite: n.suite,
      publicKey: n.publicKey,
    })),
    // The order genesisValidatorSet gives the set, which fixes leader rotation.
    genesisValidators: genesis.nodes.filter((n) => n.kind === 'validator').map((n) => n.nodeId),
  };
}

/**
 * The modules every node of a chain runs, in the order their block hooks run. Identity comes first:
 * its checkSigner refuses a transaction whose signer is not a live key before any module runs it.
 * Without `governance` no node can be proposed, so every proposal is refused.
 */
export function chainModules(directory: Directory, governance?: GovernanceSetup) {
  return [
    createIdentityModule({ directory }),
    createBankModule({ authority: orgAuthority(directory, { liveKeys: true }) }),
    createRemittanceModule({ directory }),
    createGovernanceModule({
      directory,
      nodes: governance?.nodes ?? [],
      genesisValidators: governance?.genesisValidators ?? [],
    }),
  ];
}

/**
 * The signatures `tx` carries besides its own, as its module declares them. A module that throws
 * here has a bug: the transaction is admitted with none (execution then checks them itself).
 */
export function carriedSignaturesOf(
  registry: Registry,
  tx: Transaction,
  log: Logger,
): readonly VerifyItem[] {
  const module = registry.findModule(tx.module);
  if (module?.carriedSignatures === undefined) return [];
  try {
    const checks = module.carriedSignatures(tx.method, tx.args);
    // A suite no node knows cannot verify: execution refuses it without a worker's help.
    return checks.filter((c): c is VerifyItem => isSuiteId(c.suite));
  } catch (error) {
    log.error({ err: error, module: tx.module, method: tx.method }, 'carriedSignatures threw');
    return [];
  }
}
