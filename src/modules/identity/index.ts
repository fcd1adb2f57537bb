// The identity module: the consortium's organisations, roles and keys, and the bank authority over them.
export { orgAuthority } from './authority.ts';
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
