// `tally codec decode`: shows what canonical bytes hold, or exactly why they are refused.
import type { Command } from 'commander';
import { type CborValue, decode } from '../codec/index.ts';
import { decodeBlock, decodeHeader } from '../ledger/block.ts';
import { decodeReceipt } from '../ledger/receipt.ts';
import { decodeTransaction } from '../ledger/tx.ts';
import { decodeValidatorSet } from '../ledger/validator-set.ts';
import { fromHex, toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';

const decoders: Record<string, (bytes: Uint8Array) => unknown> = {
  value: (bytes) => decode(bytes),
  tx: decodeTransaction,
  header: decodeHeader,
  block: decodeBlock,
  receipt: decodeReceipt,
  'validator-set': decodeValidatorSet,
};

function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, CborValue>).map(([k, v]) => [k, toJson(v)]),
    );
  }
  return value;
}

export function registerCodecCommand(program: Command): void {
  const codec = program
    .command('codec')
    .description('inspect canonical bytes (deterministic CBOR)');
  codec
    .command('decode')
    .description('decode hex as a ledger type and print it as JSON (bytes as hex)')
    .argument('<hex>', 'the bytes, in hex')
    .option('--as <type>', `one of: ${Object.keys(decoders).join(', ')}`, 'value')
    .action((hex: string, options: { as: string }) => {
      const decoder = decoders[options.as];
      if (decoder === undefined) {
        throw new TallyError(
          'unknown_type',
          `Unknown type '${options.as}': use one of ${Object.keys(decoders).join(', ')}.`,
        );
      }
      let bytes: Uint8Array;
      try {
        bytes = fromHex(hex.replace(/^0x/, ''));
      } catch (cause) {
        throw new TallyError(
          'bad_hex',
          'The input is not hex: give an even number of 0-9a-f characters.',
          { cause },
        );
      }
      console.log(JSON.stringify(toJson(decoder(bytes)), null, 2));
    });
}
