// Ids the console computes like the CLI does: bank ids from names (src/cli/tx-args.ts bankIdFromName)
// and the bank's state keys (src/modules/bank/store.ts bankKeys under execution's moduleKey), so an
// account or transfer can be fetched with its proof. A wrong key only finds nothing, proven absent.
import { sha256 } from '../../../src/crypto/sha256.ts';
import { fromHex, toHex } from '../../../src/sdk/index.ts';

const bankIdNameDomain = 'tally/bank-id-name\0';
const bankIdBytes = 16;
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export function isBankName(text: string): boolean {
  return namePattern.test(text) && text.includes('/');
}

/** The first 16 bytes of SHA-256(domain || name), as hex. */
export function bankIdFromName(name: string): string {
  const digest = sha256(new TextEncoder().encode(bankIdNameDomain + name));
  return toHex(digest.subarray(0, bankIdBytes));
}

function bankKey(tag: 'a' | 't', idHex: string): string {
  const id = fromHex(idHex, 'id');
  const key = new Uint8Array(5 + 1 + id.length);
  key.set(new TextEncoder().encode('bank'), 0); // module name, then 0x00, then the module's key
  key[5] = tag.charCodeAt(0);
  key.set(id, 6);
  return toHex(key);
}

export const bankStateKeys = {
  account: (idHex: string) => bankKey('a', idHex),
  transfer: (idHex: string) => bankKey('t', idHex),
};

/** The demo's named accounts (src/cli/network/seed.ts), so pages can show names beside ids. */
export const demoAccountNames: readonly string[] = [
  'hk-wallet/alice',
  'hk-wallet/bob',
  'hk-wallet/chan',
  'ph-wallet/maria',
  'ph-wallet/jose',
  'ph-wallet/victor',
  'settlement-bank/hk-wallet',
  'settlement-bank/fx-hkd',
  'settlement-bank/fx-php',
  'settlement-bank/ph-wallet',
];

const namesById = new Map(demoAccountNames.map((n) => [bankIdFromName(n), n]));

/** "hk-wallet/alice" for a known demo account id, else undefined. */
export function accountName(idHex: string): string | undefined {
  return namesById.get(idHex);
}
