// The `testing.byzantine` key of a node's config: which faults a test validator commits. It is
// refused unless the environment also says TALLY_TESTING_BYZANTINE=1, so that a config copied from a
// test can never turn an operator's validator into a faulty one by accident.
import { TallyError } from '../../util/errors.ts';

export const byzantineBehaviours = [
  'equivocate',
  'invalid-proposals',
  'withhold-votes',
  'flood',
] as const;
export type ByzantineBehaviour = (typeof byzantineBehaviours)[number];

export const byzantineEnvVar = 'TALLY_TESTING_BYZANTINE';
export const floodFramesPerSecondDefault = 20;
/** A flood beyond this would test the machine, not the peers' defences. */
export const floodFramesPerSecondMax = 1000;

export type ByzantineConfig = {
  readonly behaviours: readonly ByzantineBehaviour[];
  /** Junk frames sent to each peer per second with `flood`. */
  readonly floodFramesPerSecond: number;
};

export type TestingConfig = { readonly byzantine: ByzantineConfig | undefined };

function invalid(field: string, source: string, message: string): never {
  throw new TallyError('config_invalid', `config ${field} (${source}): ${message}`, {
    details: { field, source },
  });
}

function readBehaviours(value: unknown, source: string): ByzantineBehaviour[] {
  if (!Array.isArray(value) || value.length === 0)
    invalid('testing.byzantine', source, 'expected a non-empty list of behaviours');
  const chosen = new Set<ByzantineBehaviour>();
  for (const item of value) {
    if (!byzantineBehaviours.includes(item as ByzantineBehaviour))
      invalid(
        'testing.byzantine',
        source,
        `unknown behaviour ${JSON.stringify(item)}; expected ${byzantineBehaviours.join(', ')}`,
      );
    chosen.add(item as ByzantineBehaviour);
  }
  return byzantineBehaviours.filter((b) => chosen.has(b));
}

function readFloodRate(value: unknown, source: string): number {
  if (value === undefined) return floodFramesPerSecondDefault;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > floodFramesPerSecondMax
  )
    invalid(
      'testing.floodFramesPerSecond',
      source,
      `expected an integer 1..${floodFramesPerSecondMax}`,
    );
  return value;
}

/** Parses the config's `testing` object (undefined when absent). */
export function parseTestingConfig(
  value: unknown,
  source: string,
  env: NodeJS.ProcessEnv,
): TestingConfig | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid('testing', source, 'expected an object');
  const doc = value as Record<string, unknown>;
  for (const key of Object.keys(doc))
    if (key !== 'byzantine' && key !== 'floodFramesPerSecond')
      invalid(`testing.${key}`, source, 'unknown key; expected byzantine, floodFramesPerSecond');
  if (doc.byzantine === undefined) return Object.freeze({ byzantine: undefined });
  const behaviours = readBehaviours(doc.byzantine, source);
  const floodFramesPerSecond = readFloodRate(doc.floodFramesPerSecond, source);
  if (env[byzantineEnvVar] !== '1')
    throw new TallyError(
      'byzantine_mode_refused',
      `config testing.byzantine (${source}) makes this validator faulty on purpose; it is only ` +
        `for fault tests and needs ${byzantineEnvVar}=1 in the environment`,
      { details: { field: 'testing.byzantine', source } },
    );
  return Object.freeze({
    byzantine: Object.freeze({ behaviours: Object.freeze(behaviours), floodFramesPerSecond }),
  });
}
