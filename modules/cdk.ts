/** The only place that imports cdktf itself, so a swap to the CDK Terrain fork (cdktn) stays one file. */
export {
  App,
  AssetType,
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  Fn,
  Lazy,
  ref,
  TerraformAsset,
  TerraformIterator,
  TerraformLocal,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
  Token,
} from "cdktf";
export type { IResolvable, ITerraformDependable, ITerraformResource, ListTerraformIterator } from "cdktf";
