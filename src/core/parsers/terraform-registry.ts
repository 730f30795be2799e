import { attribute, type HclBlock, literal, type TerraformFile } from './terraform.js';

/**
 * Calls of public registry modules (`module "db" { source = "terraform-aws-modules/rds/aws" }`): the
 * rules that judge a resource judge the inputs a well-known module passes to it, where the module's
 * own variables.tf says what an input means (see terraform.attribute's module targets).
 *
 * A source names a registry module by its address `<namespace>/<name>/<provider>`, with or without
 * the public registry's host (`registry.terraform.io/`, and OpenTofu's `registry.opentofu.org/`, which
 * serves the same modules), and with a `//<subdirectory>` for a submodule; `version` is separate and
 * any version matches. A git source of the module's own GitHub repository is the same module, as the
 * registry publishes `github.com/<namespace>/terraform-<provider>-<name>` (the naming it requires):
 * `github.com/…`, `git::https://github.com/….git`, `git::ssh://git@github.com/…` and
 * `git@github.com:…`, with any `?ref=`. A fork, a mirror or another host is some other code and
 * matches nothing.
 */

/** A module block whose source is a registry module (or its GitHub repository). */
export interface RegistryModuleCall {
  file: TerraformFile;
  /** The block's label: `module "db"`. */
  name: string;
  block: HclBlock;
  /** `<namespace>/<name>/<provider>`, lower case, with `//<subdirectory>` for a submodule. */
  address: string;
}

const PUBLIC_REGISTRIES = ['registry.terraform.io/', 'registry.opentofu.org/'];
const ADDRESS = /^([a-z0-9][a-z0-9_-]*)\/([a-z0-9][a-z0-9_-]*)\/([a-z0-9]+)$/;
const GITHUB =
  /^(?:git::)?(?:https:\/\/github\.com\/|ssh:\/\/git@github\.com\/|git@github\.com:|github\.com\/)([a-z0-9][a-z0-9_.-]*)\/terraform-([a-z0-9]+)-([a-z0-9][a-z0-9_.-]*?)(?:\.git)?$/;

/**
 * The registry address (`terraform-aws-modules/rds/aws`, `…//modules/db_instance`) a module source
 * names, or undefined for a local path or any other source.
 */
export function registryAddress(source: string): string | undefined {
  let rest = source.trim().toLowerCase();
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  // `<address>//<subdirectory>`; the `//` after a URL's scheme (`https://`) is none.
  const forced = /^[a-z0-9+]+::/.exec(rest)?.[0] ?? '';
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//.exec(rest.slice(forced.length))?.[0] ?? '';
  const split = rest.indexOf('//', forced.length + scheme.length);
  let subdirectory = '';
  if (split >= 0) {
    const parts = rest
      .slice(split + 2)
      .split('/')
      .filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) return undefined;
    subdirectory = parts.join('/');
    rest = rest.slice(0, split);
  }
  let address: string | undefined;
  const github = GITHUB.exec(rest);
  if (github) address = `${github[1]}/${github[3]}/${github[2]}`;
  else {
    for (const host of PUBLIC_REGISTRIES) if (rest.startsWith(host)) rest = rest.slice(host.length);
    if (ADDRESS.test(rest)) address = rest;
  }
  if (address === undefined) return undefined;
  return subdirectory === '' ? address : `${address}//${subdirectory}`;
}

/**
 * The module blocks of the files that call one of `addresses` (registry addresses, `//<subdirectory>`
 * for a submodule, in any case), in file order.
 */
export function registryModuleCalls(
  files: readonly TerraformFile[],
  addresses: readonly string[],
): RegistryModuleCall[] {
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  const out: RegistryModuleCall[] = [];
  for (const file of files) {
    for (const block of file.body.blocks) {
      if (block.type !== 'module' || block.labels.length !== 1) continue;
      const source = attribute(block.body, 'source');
      const value = source && literal(source.value);
      if (typeof value !== 'string') continue;
      const address = registryAddress(value);
      if (address !== undefined && wanted.has(address))
        out.push({ file, name: block.labels[0]!, block, address });
    }
  }
  return out;
}

/** How a module call is named in messages: `module "db" (terraform-aws-modules/rds/aws)`. */
export function describeModuleCall(call: Pick<RegistryModuleCall, 'name' | 'address'>): string {
  return `module "${call.name}" (${call.address})`;
}
