// The node's own identity at start: which genesis node it is, and its signing key.
import { readFileSync } from 'node:fs';
import { loadKeyFile } from '../crypto/keyfile.ts';
import type { KeyPair } from '../crypto/suite.ts';
import { bytesEqual } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import type { NodeConfig } from './config.ts';
import type { Genesis, GenesisNode } from './genesis.ts';

/** The passphrase of the node's key files: given by the caller, the environment, or a file. */
export function readPassphrase(config: NodeConfig, deps: { passphrase?: string }): string {
  if (deps.passphrase !== undefined) return deps.passphrase;
  const env = process.env.TALLY_KEY_PASSPHRASE;
  if (env !== undefined) return env;
  if (config.passphraseFile !== undefined)
    return readFileSync(config.passphraseFile, 'utf8').trim();
  throw new TallyError(
    'passphrase_missing',
    'the node key is encrypted: set TALLY_KEY_PASSPHRASE or name a passphraseFile in the config',
  );
}

export function findSelf(genesis: Genesis, nodeId: string): GenesisNode {
  const self = genesis.nodes.find((n) => n.nodeId === nodeId);
  if (self === undefined)
    throw new TallyError('node_unknown', `node ${nodeId} is not in the genesis; check nodeId`, {
      details: { nodeId },
    });
  return self;
}

/** The node's signing key, checked against the key the genesis lists for it. */
export function loadNodeKey(
  config: NodeConfig,
  self: GenesisNode,
  deps: { passphrase?: string },
): KeyPair {
  const key = loadKeyFile(config.keyFile, readPassphrase(config, deps));
  if (key.suite !== self.suite || !bytesEqual(key.publicKey, self.publicKey))
    throw new TallyError(
      'node_key_mismatch',
      `the key in ${config.keyFile} is not the key the genesis lists for ${self.nodeId}`,
    );
  return key;
}
