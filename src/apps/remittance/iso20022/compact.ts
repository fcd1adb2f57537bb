// Drops the undefined members of an object literal, so readers can build values with optional
// fields under exactOptionalPropertyTypes without a branch per field.

type Required<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] };
type Optional<T> = {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

export function compact<T extends Record<string, unknown>>(value: T): Required<T> & Optional<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as Required<T> & Optional<T>;
}
