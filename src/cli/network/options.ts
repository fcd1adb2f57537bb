// Option values of the network commands, checked at the boundary with errors that name the option.
import { isIP } from 'node:net';
import { scryptNMax, scryptNMin } from '../../crypto/keyfile.ts';
import { chainIdLengthMax } from '../../ledger/limits.ts';
import { TallyError } from '../../util/errors.ts';
import { keyPassphraseEnv } from './node-config.ts';
import { observersMax, orgsMax, type PlanOptions } from './plan.ts';

/** Environment variable that lowers the key files' scrypt cost (tests; never for real keys). */
export const scryptNEnv = 'TALLY_SCRYPT_N';
export const portMax = 65_535;
export const timeoutSecondsMax = 3600;

function badOption(name: string, message: string): TallyError {
  return new TallyError('bad_option', `--${name} ${message}`, { details: { option: name } });
}

export function parseIntOption(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max)
    throw badOption(name, `must be a whole number from ${min} to ${max}.`);
  return n;
}

const hostPattern =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function parseHost(value: string): string {
  if (value === '0.0.0.0' || value === '::')
    throw badOption('host', 'names the address peers dial, so it cannot be 0.0.0.0 or ::.');
  if (isIP(value) === 0 && (!hostPattern.test(value) || value.length > 253))
    throw badOption('host', 'must be an IP address or a DNS name.');
  return value;
}

export function parseChainId(value: string): string {
  if (value.length > chainIdLengthMax || !/^[a-z0-9][a-z0-9-]*$/.test(value))
    throw badOption('chain-id', `must be 1 to ${chainIdLengthMax} of a-z, 0-9 and '-'.`);
  return value;
}

export type RawPlanOptions = {
  orgs: string;
  observers: string;
  chainId: string;
  host: string;
  apiPort: string;
  p2pPort: string;
};

/** Checks the plan options, including that the API and p2p port ranges fit and do not overlap. */
export function parsePlanOptions(raw: RawPlanOptions): PlanOptions {
  const orgs = parseIntOption(raw.orgs, 'orgs', 1, orgsMax);
  const observers = parseIntOption(raw.observers, 'observers', 0, observersMax);
  const nodes = orgs + observers;
  const apiPort = parseIntOption(raw.apiPort, 'api-port', 1, portMax - nodes + 1);
  const p2pPort = parseIntOption(raw.p2pPort, 'p2p-port', 1, portMax - nodes + 1);
  if (apiPort < p2pPort + nodes && p2pPort < apiPort + nodes) {
    throw badOption(
      'api-port',
      `${apiPort}..${apiPort + nodes - 1} overlaps the p2p ports ${p2pPort}..${p2pPort + nodes - 1}: choose ports ${nodes} or more apart.`,
    );
  }
  return {
    orgs,
    observers,
    chainId: parseChainId(raw.chainId),
    host: parseHost(raw.host),
    apiPort,
    p2pPort,
  };
}

/** The scrypt cost from TALLY_SCRYPT_N, or undefined for the key file module's default. */
export function readScryptN(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env[scryptNEnv];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < scryptNMin || n > scryptNMax || (n & (n - 1)) !== 0) {
    throw new TallyError(
      'bad_env',
      `${scryptNEnv} must be a power of two from ${scryptNMin} to ${scryptNMax}; unset it for the default.`,
    );
  }
  return n;
}

/** The passphrase for every key file when the operator sets one; else init makes one per org. */
export function readKeyPassphrase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[keyPassphraseEnv];
  return value === undefined || value === '' ? undefined : value;
}
