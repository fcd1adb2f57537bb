// A node's config.json as `tally network init` writes it; `tally node start --config` reads it with
// loadConfig (src/node/config.ts). Paths are relative to the config file's folder, so a node folder
// can move to another host as it is.
import type { Address } from '../../node/genesis.ts';

export const nodeConfigVersion = 1;

/** The JSON document, before the node resolves its paths. */
export type NodeConfigFile = {
  readonly version: number;
  readonly nodeId: string;
  readonly genesis: string;
  readonly dataDir: string;
  readonly keyFile: string;
  /** The organisation's keys the node acts with: signing (gateway) and decrypting private payloads. */
  readonly org?: { readonly signingKeyFile: string; readonly encryptionKeyFile: string };
  /** Demo networks only: the key file's passphrase in a file; otherwise env TALLY_KEY_PASSPHRASE. */
  readonly passphraseFile?: string;
  readonly tls: { readonly certFile: string; readonly keyFile: string };
  readonly p2p: Address;
  readonly api: Address;
  readonly log: { readonly level: 'info' };
  readonly prune: { readonly keepBlocks: number };
};

/** The environment variable a node reads its key file's passphrase from (no passphraseFile). */
export const keyPassphraseEnv = 'TALLY_KEY_PASSPHRASE';

export { apiUrl } from '../../node/genesis.ts';
