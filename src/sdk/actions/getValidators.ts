// GET /v1/validators[?height=H] (public): the validator set in force, decoded from its canonical
// bytes (whose hash headers carry) and checked against the listed fields.
import { decodeValidatorSet, quorumSize, type ValidatorSet } from '../../ledger/validator-set.ts';
import { toHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import type { Client } from '../client.ts';
import { readHex, readInteger, readList, readObject, readOptionalText, readText } from '../json.ts';
import { decodeResponseBytes } from './getBlock.ts';

export type GetValidatorsParameters = { height?: number; signal?: AbortSignal | undefined };

export type GetValidatorsReturnType = {
  readonly epoch: number;
  readonly quorum: number;
  readonly validators: readonly {
    /** The genesis node holding the key, when the node names it. */
    readonly nodeId?: string | undefined;
    readonly orgId: string;
    readonly suite: string;
    readonly publicKey: string;
  }[];
  readonly setHex: string;
  /** The decoded set: what verifyStateProofResponse and verifyBlockResponse take. */
  readonly validatorSet: ValidatorSet;
};

/**
 * Reads the validator set. A light client should pin the set it trusts (from the genesis or a
 * checked set change), not take a node's word for it; this is how to fetch it the first time.
 *
 * @example
 * const { validatorSet } = await getValidators(client);
 */
export async function getValidators(
  client: Client,
  params: GetValidatorsParameters = {},
): Promise<GetValidatorsReturnType> {
  const { height } = params;
  if (height !== undefined && (!Number.isSafeInteger(height) || height < 0))
    throw new RangeError('height: expected an integer >= 0');
  const { body } = await client.request({
    method: 'GET',
    path: height === undefined ? '/v1/validators' : `/v1/validators?height=${height}`,
    signal: params.signal,
  });
  return parseValidators(body);
}

function parseValidators(body: unknown): GetValidatorsReturnType {
  const v = readObject(body, 'validators');
  const setHex = readHex(v.setHex, 'validators.setHex');
  const validatorSet = decodeResponseBytes(setHex, 'validators.setHex', decodeValidatorSet);
  const validators = readList(v.validators, 'validators.validators').map((item, i) => {
    const f = `validators.validators[${i}]`;
    const o = readObject(item, f);
    const nodeId = readOptionalText(o.nodeId, `${f}.nodeId`);
    return Object.freeze({
      ...(nodeId === undefined ? {} : { nodeId }),
      orgId: readText(o.orgId, `${f}.orgId`),
      suite: readText(o.suite, `${f}.suite`),
      publicKey: readHex(o.publicKey, `${f}.publicKey`),
    });
  });
  const epoch = readInteger(v.epoch, 'validators.epoch');
  const quorum = readInteger(v.quorum, 'validators.quorum');
  const consistent =
    epoch === validatorSet.epoch &&
    quorum === quorumSize(validatorSet.validators.length) &&
    validators.length === validatorSet.validators.length &&
    validators.every((listed, i) => {
      const decoded = validatorSet.validators[i];
      return (
        decoded !== undefined &&
        listed.orgId === decoded.orgId &&
        listed.suite === decoded.suite &&
        listed.publicKey === toHex(decoded.publicKey)
      );
    });
  if (!consistent)
    throw new TallyError('bad_response', 'validators: the fields do not match setHex');
  return Object.freeze({
    epoch,
    quorum,
    validators: Object.freeze(validators),
    setHex,
    validatorSet,
  });
}
