// The organisation's keys a node acts with (config `org`): the gateway signing key, which must be
// a key the genesis registers to this node's organisation with the submit role, and the X25519 key
// whose public half the genesis lists as the organisation's encryption key.
import { readFileSync } from 'node:fs';
import { loadKeyFile } from '../../crypto/keyfile.ts';
import type { KeyPair } from '../../crypto/suite.ts';
import { importX25519Pem, type RawX25519KeyPair } from '../../crypto/x25519-node.ts';
import { bytesEqual } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import type { NodeConfig } from '../config.ts';
import type { Genesis, GenesisNode } from '../genesis.ts';

export type OrgKeys = {
  readonly orgId: string;
  readonly signing: KeyPair;
  readonly encryption: RawX25519KeyPair;
};

function mismatch(message: string): never {
  throw new TallyError('org_key_mismatch', message);
}

export function loadOrgKeys(
  config: NodeConfig,
  genesis: Genesis,
  self: GenesisNode,
  passphrase: string,
): OrgKeys | undefined {
  if (config.org === undefined) return undefined;
  const signing = loadKeyFile(config.org.signingKeyFile, passphrase);
  const registered = genesis.keys.find((k) => bytesEqual(k.publicKey, signing.publicKey));
  if (registered === undefined || registered.orgId !== self.orgId)
    mismatch(`the key in ${config.org.signingKeyFile} is not registered to ${self.orgId}`);
  if (!registered.roles.includes('submit'))
    mismatch(`the gateway key ${registered.name} lacks the submit role`);
  const encryption = importX25519Pem(
    readFileSync(config.org.encryptionKeyFile, 'utf8'),
    passphrase,
  );
  const org = genesis.organizations.find((o) => o.id === self.orgId);
  if (org?.encryptionKey === undefined || !bytesEqual(org.encryptionKey, encryption.publicKey))
    mismatch(
      `the key in ${config.org.encryptionKeyFile} is not ${self.orgId}'s encryption key in the genesis`,
    );
  return { orgId: self.orgId, signing, encryption };
}
