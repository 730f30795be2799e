import path from 'node:path';
import { inTestPaths } from '../confidence.js';
import { attribute, literal, type TerraformFile } from './terraform.js';

/**
 * Whether a module's input variables are its callers' to set: where a value is a variable's default
 * (see terraform-values.ts), the rules judge what every use that leaves the variable unset deploys.
 * In a reusable module, that is only a default: each caller chooses the value.
 */

/** Whether the callers of a file's module choose the value of one of its input variables. */
export type InputDecider = (file: TerraformFile, variable: string) => boolean;

const DECIDERS = new WeakMap<readonly TerraformFile[], InputDecider>();

/** A module block's call of a module of the same tree, and the module it calls. */
interface Call {
  caller: TerraformFile;
  body: TerraformFile['body'];
  module: string;
}

/**
 * A decider for the files (one per parse, shared by every rule). The callers of a module decide its
 * input when the module configures no provider and no backend of its own (a configuration that does
 * is applied as a root, where the default is what runs) and either
 * - the module blocks that call it by a local path outside test and example paths all set the
 *   variable (the default is used by none of them), or
 * - only examples and tests call it, and no directory outside test and example paths configures a
 *   provider or a backend: a repository of reusable modules, whose real callers are elsewhere.
 * A module that nothing calls is judged as a root: it may be applied as it stands.
 */
export function inputDecider(files: readonly TerraformFile[]): InputDecider {
  let decider = DECIDERS.get(files);
  if (!decider) {
    const configuring = files.filter(configuresRoot);
    const roots = new Set(configuring.map((f) => f.module));
    const library = configuring.every((f) => inTestPaths(f.path));
    const calls = files.flatMap(localCalls);
    decider = (file, variable) => {
      if (roots.has(file.module)) return false;
      const callers = calls.filter((c) => c.module === file.module);
      if (callers.length === 0) return false;
      const deployed = callers.filter((c) => !inTestPaths(c.caller.path));
      if (deployed.length === 0) return library;
      return deployed.every((c) => {
        const set = attribute(c.body, variable);
        // `= null` leaves a variable that is not nullable at its default.
        return set !== undefined && literal(set.value) !== null;
      });
    };
    DECIDERS.set(files, decider);
  }
  return decider;
}

const LIBRARY_MODULES = new WeakMap<readonly TerraformFile[], (file: TerraformFile) => boolean>();

/**
 * Whether a file's module is one of a repository of reusable modules that no configuration of the
 * tree deploys: it configures no provider and no backend, no module block outside test and example
 * paths calls it by a local path, and no directory outside those paths configures a provider or a
 * backend. Its callers are elsewhere (examples call it by its registry address), and they choose it
 * among the repository's modules.
 */
export function libraryModule(files: readonly TerraformFile[]): (file: TerraformFile) => boolean {
  let library = LIBRARY_MODULES.get(files);
  if (!library) {
    const configuring = files.filter(configuresRoot);
    const roots = new Set(configuring.map((f) => f.module));
    const all = configuring.every((f) => inTestPaths(f.path));
    const deployed = new Set(
      files
        .flatMap(localCalls)
        .filter((c) => !inTestPaths(c.caller.path))
        .map((c) => c.module),
    );
    library = (file) =>
      all && !inTestPaths(file.path) && !roots.has(file.module) && !deployed.has(file.module);
    LIBRARY_MODULES.set(files, library);
  }
  return library;
}

/** A file that configures a provider, or a backend (`terraform { backend … }` or `cloud`). */
function configuresRoot(file: TerraformFile): boolean {
  return file.body.blocks.some(
    (b) =>
      b.type === 'provider' ||
      (b.type === 'terraform' && b.body.blocks.some((n) => n.type === 'backend' || n.type === 'cloud')),
  );
}

/** The `module` blocks of a file whose `source` is a local path, with the module each calls. */
function localCalls(caller: TerraformFile): Call[] {
  return caller.body.blocks.flatMap((block): Call[] => {
    if (block.type !== 'module' || block.labels.length !== 1) return [];
    const source = attribute(block.body, 'source');
    const value = source && literal(source.value);
    if (typeof value !== 'string' || !/^\.\.?(?:\/|$)/.test(value)) return [];
    const module = path.posix.normalize(path.posix.join(caller.module, value)).replace(/(.)\/+$/, '$1');
    if (module === '..' || module.startsWith('../')) return [];
    return [{ caller, body: block.body, module }];
  });
}
