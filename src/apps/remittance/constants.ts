// The remittance module's name and limits (TIGER_STYLE: a limit on everything), shared by the
// browser-safe args readers and the on-chain module, so this file imports nothing.

export const remittanceModuleName = 'remittance';

/** A remittance id is the UETR: a UUID (16 bytes). Quote ids are 16 bytes too. */
export const remittanceIdBytes = 16;
export const hashBytes = 32;
export const screeningKeyBytes = 32;
/** Screening keys per party: screening.ts's nameTokensMax. */
export const screeningKeysMax = 8;

export const corridorIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
export const orgIdLengthMax = 64;
export const regulatorsMax = 8;
/** Corridors registered at once: registration may walk them all to prune unused accept windows. */
export const corridorsMax = 256;
export const kycTiersMax = 8;
export const kycLevelMax = 255;
/** Longest accept window: 30 days. */
export const acceptWindowSecMax = 30 * 24 * 3600;
/** Distinct accept windows in use at once: each is one FIFO queue the endBlock sweep visits. */
export const acceptWindowsMax = 16;

export const sanctionsNamesPerCallMax = 256;
export const sanctionsEntriesMax = 4096;
export const sanctionsNameLengthMax = 140;

export const endToEndIdLengthMax = 35;
/** ISO 20022 ExternalStatusReason1Code: four characters, e.g. 'AC04', 'BE01', 'RR04'. */
export const reasonCodePattern = /^[A-Z0-9]{4}$/;
export const reasonMessageLengthMax = 140;
export const reviewNoteLengthMax = 140;

/** Remittances the endBlock sweep expires in one block (each voids four legs: five events). */
export const expiriesPerBlockMax = 256;
/** Queue entries the sweep looks at in one block, expired or skipped. */
export const expirySweepStepsPerBlockMax = 1024;
export const listLimitMax = 100;

export const msPerDay = 86_400_000;

export const remittanceStatuses = [
  'pending',
  'held',
  'completed',
  'rejected',
  'refused',
  'expired',
] as const;
export type RemittanceStatus = (typeof remittanceStatuses)[number];
export const reviewDecisions = ['release', 'refuse'] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

/** Roles the module checks in the directory. */
export const roles = {
  wallet: 'wallet',
  bank: 'bank',
  fxProvider: 'fx-provider',
  regulator: 'regulator',
} as const;

/** The Travel-Rule envelope's size cap: crypto/envelope.ts's envelopeBytesMax (a test pins them equal). */
export const travelRuleBytesMax = 8192;
