// The identity module: the consortium's organisations, roles and keys (the genesis's as the initial
// set, changed on chain by add_key and revoke_key), and the bank authority over them.
export { type OrgAuthorityOptions, orgAuthority, signerOrgId } from './authority.ts';
export {
  createDirectory,
  type Directory,
  type DirectoryKey,
  type DirectoryOrg,
  isOrgOwner,
  orgIdPattern,
  orgOwner,
  ownerOrgId,
  rolePattern,
} from './directory.ts';
export {
  decodeKeyRecord,
  identityKeys,
  identityModuleName,
  type KeyRecord,
  type KeyRoleName,
  keyChangesPerOrgMax,
  keyNamePattern,
  keyRoleNames,
} from './keys.ts';
export { genesisRecord, LiveKeys } from './live.ts';
export {
  type AddKeyInput,
  checkLiveSigner,
  createIdentityModule,
  type IdentityOptions,
} from './module.ts';
export { getKeyRecord, getOrgKeys } from './queries.ts';
