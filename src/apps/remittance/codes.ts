// Result codes of the remittance module, snake_case, one per distinct failure. send's codes are
// listed in the order its checks run (the shared contract of issue #5).

export const sendCodes = [
  'remittance_exists',
  'corridor_not_found',
  'not_sending_wallet',
  'sender_account_invalid',
  'beneficiary_account_invalid',
  'quote_provider_mismatch',
  'quote_currency_mismatch',
  'quote_signature_invalid',
  'quote_expired',
  'quote_used',
  'quote_inconsistent',
  'travel_rule_hash_mismatch',
  'travel_rule_recipients_missing',
  'kyc_level_insufficient',
  'daily_limit_exceeded',
  'monthly_limit_exceeded',
  'insufficient_funds',
  'leg_failed',
] as const;

export const remittanceCodes = [
  'ok',
  ...sendCodes,
  'not_authorized',
  'remittance_not_found',
  'remittance_not_pending',
  'remittance_not_held',
  'remittance_expired',
  'org_not_found',
  'org_role_missing',
  'account_not_found',
  'account_invalid',
  'currency_not_found',
  'too_many_accept_windows',
  'too_many_corridors',
  'too_many_sanctions_entries',
] as const;
export type RemittanceCode = (typeof remittanceCodes)[number];
