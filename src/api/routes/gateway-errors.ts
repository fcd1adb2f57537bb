// Errors of the gateway's calls as API errors: each code keeps its name and gets its HTTP status.
import { CodecError } from '../../codec/index.ts';
import { TallyError } from '../../util/errors.ts';
import { ApiError } from '../errors.ts';
import type { RemittanceGateway } from '../gateway.ts';
import type { ApiServices } from '../services.ts';

const statusByCode: Readonly<Record<string, number>> = {
  not_found: 404,
  corridor_not_found: 404,
  not_fx_provider: 409,
  no_gateway: 409,
  wrong_organization: 403,
  unsupported_pair: 400,
  fx_rate_unavailable: 400,
  iso20022_invalid: 400,
  range_too_large: 400,
  // A statement whose range begins or ends at a state version this node has pruned.
  state_height_unavailable: 404,
  no_encryption_key: 409,
  fx_provider_unreachable: 502,
  mempool_full: 503,
  signer_quota_exceeded: 429,
};

export function toGatewayApiError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof CodecError)
    return new ApiError(400, 'bad_request', error.message, { details: { field: error.field } });
  if (error instanceof TypeError || error instanceof RangeError)
    return new ApiError(400, 'bad_request', error.message);
  if (error instanceof TallyError) {
    const status = statusByCode[error.code] ?? (error.code.startsWith('tx_') ? 400 : 502);
    return new ApiError(status, error.code, error.message, { details: error.details ?? {} });
  }
  return error;
}

/** Runs a gateway call, turning its errors into API errors. */
export async function viaGateway<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toGatewayApiError(error);
  }
}

/** The node's gateway, if the caller belongs to the node's organisation. */
export function gatewayFor(
  services: ApiServices,
  callerOrg: string | undefined,
): RemittanceGateway {
  const gateway = services.gateway;
  if (gateway === undefined)
    throw new ApiError(409, 'no_gateway', 'this node holds no organisation keys (config `org`)');
  if (callerOrg !== gateway.orgId)
    throw new ApiError(
      403,
      'wrong_organization',
      `this node acts for ${gateway.orgId}; ${callerOrg ?? 'an unknown caller'} must use its own node`,
      { details: { nodeOrg: gateway.orgId, callerOrg } },
    );
  return gateway;
}
