// Canonical-bytes throughput: encoding and strictly decoding a typical transfer transaction.
import { decode, encode } from '../../src/codec/index.ts';
import { decodeTransaction } from '../../src/ledger/tx.ts';
import { measureRate, type Report } from '../lib/report.ts';
import { sampleTransferTx } from './sample-tx.ts';

export async function benchCodec(report: Report): Promise<void> {
  const tx = sampleTransferTx();
  const value = decode(tx.bytes);
  report('tx bytes', tx.bytes.length, 'bytes');
  report('cbor encode (transfer tx)', await measureRate(() => encode(value), 1, 1500), 'ops/s');
  report(
    'cbor strict decode (transfer tx)',
    await measureRate(() => decode(tx.bytes), 1, 1500),
    'ops/s',
  );
  report(
    'tx decode + validate + id',
    await measureRate(() => decodeTransaction(tx.bytes), 1, 1500),
    'ops/s',
  );
}
