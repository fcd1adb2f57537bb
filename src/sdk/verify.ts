// Light-client checks that run in the browser (DESIGN decision 4): a header is final when a quorum of
// the trusted validator set signed its hash (the QC), and a state value is genuine when its proof
// leads to that header's stateRoot. Each failure is a TallyError with its own code.
import { decode } from '../codec/index.ts';
import { type BlockHeader, decodeHeader, hashHeader } from '../ledger/block.ts';
import { qcFromValue, verifyQuorumCertificate } from '../ledger/certificate.ts';
import { decodeStateProof } from '../ledger/state/proof.ts';
import { verifyStateProof } from '../ledger/state/verify.ts';
import { hashValidatorSet, type ValidatorSet } from '../ledger/validator-set.ts';
import { bytesEqual, fromHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import type { GetBlockReturnType } from './actions/getBlock.ts';
import type { GetProofReturnType } from './actions/getProof.ts';
import { toHexParam } from './json.ts';
import { verifySignature } from './suites.ts';

/** The codes a verification failure carries, most specific first in the order they are checked. */
export type VerifyErrorCode =
  | 'response_invalid'
  | 'chain_mismatch'
  | 'key_mismatch'
  | 'header_mismatch'
  | 'validator_set_mismatch'
  | 'certificate_invalid'
  | 'height_mismatch'
  | 'proof_invalid';

function fail(
  code: VerifyErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): TallyError {
  return new TallyError(code, message, { details });
}

function decodeField<T>(hex: string, field: string, decodeFn: (bytes: Uint8Array) => T): T {
  try {
    return decodeFn(fromHex(hex, field));
  } catch (cause) {
    throw new TallyError('response_invalid', `${field}: ${(cause as Error).message}`, {
      cause,
      details: { field },
    });
  }
}

export type VerifyHeaderParameters = {
  headerHex: string;
  qcHex: string;
  /** The set the caller trusts for the header's epoch. */
  validatorSet: ValidatorSet;
  /** When given, the header must be this chain's. */
  chainId?: string | undefined;
};

/**
 * Checks that a header is final: the QC certifies exactly this header (height, round, hash), the
 * header names the trusted set, and a quorum of that set signed the vote. Returns the header.
 */
export function verifyCertifiedHeader(params: VerifyHeaderParameters): BlockHeader {
  const { validatorSet } = params;
  const header = decodeField(params.headerHex, 'headerHex', decodeHeader);
  const qc = decodeField(params.qcHex, 'qcHex', (b) =>
    qcFromValue(decode(b, { field: 'qc' }), 'qc'),
  );
  if (params.chainId !== undefined && header.chainId !== params.chainId)
    throw fail('chain_mismatch', `the header is for chain ${JSON.stringify(header.chainId)}`, {
      expected: params.chainId,
      actual: header.chainId,
    });
  const hash = hashHeader(header);
  if (
    qc.height !== header.height ||
    qc.round !== header.round ||
    qc.epoch !== header.epoch ||
    !bytesEqual(qc.blockHash, hash)
  )
    throw fail('header_mismatch', 'the certificate does not certify this header', {
      height: header.height,
    });
  if (!bytesEqual(header.validatorSetHash, hashValidatorSet(validatorSet)))
    throw fail('validator_set_mismatch', 'the header names a different validator set', {
      epoch: header.epoch,
    });
  const check = verifyQuorumCertificate(qc, validatorSet, header.chainId, verifySignature);
  if (!check.ok)
    throw fail('certificate_invalid', `certificate: ${check.reason}`, { height: header.height });
  return header;
}

export type VerifyBlockResponseParameters = {
  block: GetBlockReturnType;
  validatorSet: ValidatorSet;
  chainId?: string | undefined;
};

/**
 * Checks that a block from getBlock or getLatestBlock is final under the trusted validator set.
 *
 * @example
 * const header = verifyBlockResponse({ block: await getLatestBlock(client), validatorSet });
 */
export function verifyBlockResponse(params: VerifyBlockResponseParameters): BlockHeader {
  const { block } = params;
  if (block.qcHex === null)
    throw fail('certificate_invalid', `block ${block.height} has no certificate yet`, {
      height: block.height,
    });
  return verifyCertifiedHeader({
    headerHex: block.headerHex,
    qcHex: block.qcHex,
    validatorSet: params.validatorSet,
    chainId: params.chainId,
  });
}

export type VerifyStateProofResponseParameters = {
  response: GetProofReturnType;
  /** The set the caller trusts (from the genesis or a checked set change). */
  validatorSet: ValidatorSet;
  /** When given, the response must be about this key. */
  key?: Uint8Array | string | undefined;
  chainId?: string | undefined;
};

/**
 * Checks a getProof response end to end and returns the proven value (null: proven absent).
 * Throws TallyError: response_invalid, chain_mismatch, key_mismatch, header_mismatch,
 * validator_set_mismatch, certificate_invalid, height_mismatch or proof_invalid.
 *
 * @example
 * const value = verifyStateProofResponse({ response: await getProof(client, { key }), validatorSet, key });
 */
export function verifyStateProofResponse(
  params: VerifyStateProofResponseParameters,
): Uint8Array | null {
  const { response } = params;
  const key = decodeField(response.key, 'key', (b) => b);
  if (params.key !== undefined && toHexParam(params.key, 'key') !== response.key)
    throw fail('key_mismatch', 'the response is about another key', { key: response.key });
  const header = verifyCertifiedHeader({
    headerHex: response.headerHex,
    qcHex: response.qcHex,
    validatorSet: params.validatorSet,
    chainId: params.chainId,
  });
  if (header.height !== response.blockHeight)
    throw fail(
      'header_mismatch',
      `the header is block ${header.height}, not ${response.blockHeight}`,
    );
  if (header.stateHeight !== response.height)
    throw fail(
      'height_mismatch',
      `the header carries state ${header.stateHeight}, not ${response.height}`,
      {
        stateHeight: header.stateHeight,
        height: response.height,
      },
    );
  const proof = decodeField(response.proofHex, 'proofHex', decodeStateProof);
  const value = response.value === null ? null : decodeField(response.value, 'value', (b) => b);
  if (!verifyStateProof(header.stateRoot, key, value, proof))
    throw fail('proof_invalid', 'the proof does not lead to the certified state root', {
      key: response.key,
    });
  return value;
}
