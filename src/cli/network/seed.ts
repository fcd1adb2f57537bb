// Demo data for `npm start`: currencies, wallets and a first remittance, submitted through the SDK
// once the nodes are ready. A marker file records that it ran, so a resumed network is not seeded twice.
// TODO(lead): the seeding itself is still empty; fill in seedSteps through the SDK and bump seedVersion.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileNames } from './layout.ts';
import type { Network } from './network.ts';

/** Bump when seedSteps changes, so networks seeded by an older version are seeded again. */
export const seedVersion = 0;

export type SeedResult =
  | { readonly seeded: false; readonly reason: 'already_seeded' }
  | { readonly seeded: true; readonly transactions: number };

function seedMarkerPath(network: Network): string {
  return join(network.dir, fileNames.seededMarker);
}

function seededVersion(network: Network): number | undefined {
  const path = seedMarkerPath(network);
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const version = (value as { version?: unknown } | null)?.version;
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined; // an unreadable marker: seed again rather than trust it
  }
}

/** The seeding itself: returns how many transactions it submitted. Empty for now (see TODO above). */
async function seedSteps(_network: Network): Promise<number> {
  return 0;
}

/** Seeds the demo data unless this network already has it (marker file at least seedVersion). */
export async function seedDemoData(network: Network): Promise<SeedResult> {
  const version = seededVersion(network);
  if (version !== undefined && version >= seedVersion)
    return { seeded: false, reason: 'already_seeded' };
  const transactions = await seedSteps(network);
  const marker = { version: seedVersion, seededAtMs: Date.now(), transactions };
  writeFileSync(seedMarkerPath(network), `${JSON.stringify(marker)}\n`);
  return { seeded: true, transactions };
}
