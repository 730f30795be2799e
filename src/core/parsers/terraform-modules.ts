import path from 'node:path';
import { inTestPaths } from '../confidence.js';
import { defineScreen } from '../workspace/screens.js';
import type { Workspace } from '../workspace/workspace.js';
import { SCRIPT_FILES, scriptCommands } from './shell-commands.js';
import { attribute, literal, type TerraformFile } from './terraform.js';
import { variableFilesIn } from './terraform-values.js';
import { workflowDeploys } from './workflow-deploys.js';

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
 * input when
 * - module blocks outside test and example paths call it, it configures no provider and no backend
 *   of its own (a configuration that does is applied as a root, where the default is what runs),
 *   and each of them sets the variable (the default is used by none of them); or
 * - nothing outside test and example paths calls it, it is a reusable module ({@link moduleSignal}:
 *   examples or tests call it, it sits in a `modules/` folder, or its README calls it by a registry
 *   or git address), and it is not evidently a root ({@link evidentRoot}): a module's default is one
 *   its callers, wherever they are, may override.
 * A call is a module block's `source`: a local path, or, for a path that is not a folder of the tree
 * (a test harness's `./vendor-copy/modules/x`) and for a git or registry address with a subdirectory
 * (`git::https://…/infra.git//modules/x?ref=v1`), the folder whose path it ends with.
 */
export function inputDecider(files: readonly TerraformFile[], workspace: Workspace): InputDecider {
  let decider = DECIDERS.get(files);
  if (!decider) {
    const roots = new Set(files.filter(configuresRoot).map((f) => f.module));
    const folders = new Set(files.map((f) => f.module));
    const calls = files.flatMap((f) => moduleCalls(f, folders));
    const reusable = new Map<string, boolean>();
    decider = (file, variable) => {
      const callers = calls.filter((c) => c.module === file.module);
      const deployed = callers.filter((c) => !inTestPaths(c.caller.path));
      if (deployed.length > 0) {
        return (
          !roots.has(file.module) &&
          deployed.every((c) => {
            const set = attribute(c.body, variable);
            // `= null` leaves a variable that is not nullable at its default.
            return set !== undefined && literal(set.value) !== null;
          })
        );
      }
      let found = reusable.get(file.module);
      if (found === undefined) {
        found =
          moduleSignal(workspace, file.module, callers.length > 0) &&
          !evidentRoot(workspace, files, file.module);
        reusable.set(file.module, found);
      }
      return found;
    };
    DECIDERS.set(files, decider);
  }
  return decider;
}

/**
 * Whether a folder is made to be called as a module: examples or tests call it, it sits in a
 * `modules/` folder (Terraform's layout for nested modules, `modules/<name>/`), or its README shows a
 * `module` block that calls it by a registry or git address.
 */
function moduleSignal(workspace: Workspace, module: string, called: boolean): boolean {
  if (called || module.split('/').slice(0, -1).includes('modules')) return true;
  return README_NAMES.some((name) => {
    const text = workspace.text(module === '.' ? name : `${module}/${name}`);
    return text !== undefined && REMOTE_MODULE_CALL.test(text);
  });
}

const README_NAMES = ['README.md', 'readme.md', 'Readme.md'];

/** A `module` block whose `source` is no local path (a registry or git address). */
const REMOTE_MODULE_CALL = /\bmodule\s+"[^"\n]*"\s*\{[^}]*?\bsource\s*=\s*"(?!\.{1,2}\/)[^"\n]+"/;

/**
 * Whether a folder is evidently applied as a root: it configures a backend, or a provider with
 * settings (an empty `provider "aws" {}` of a module only declares one), it has variable files of
 * its own (`*.tfvars`, `*.tfvars.json`), or a workflow or script applies it (workflow-deploys.ts;
 * a Makefile's or shell script's `terraform apply` run in the folder, by `-chdir=` or a `cd`).
 */
function evidentRoot(workspace: Workspace, files: readonly TerraformFile[], module: string): boolean {
  const own = files.filter((f) => f.module === module);
  const configures = own.some((f) =>
    f.body.blocks.some(
      (b) =>
        (b.type === 'provider' &&
          (b.body.blocks.length > 0 || b.body.attributes.some((a) => a.name !== 'alias'))) ||
        (b.type === 'terraform' && b.body.blocks.some((n) => n.type === 'backend' || n.type === 'cloud')),
    ),
  );
  if (configures || variableFilesIn(files, module).length > 0) return true;
  return appliedFolders(workspace).has(module);
}

/** A script line that may apply a configuration: cheap to test before lexing the script. */
const APPLIES = /\b(?:terraform|tofu|terragrunt)\b[^\n]*\bapply\b/;
const APPLY_SCREEN = defineScreen('terraform-apply-scripts', (_file, text) => APPLIES.test(text));
const TERRAFORM_PROGRAMS = new Set(['terraform', 'tofu', 'terragrunt']);

/**
 * The folders that the repository's workflows deploy (workflow-deploys.ts) and that its Makefiles
 * and shell scripts apply: a `terraform apply` (not `-destroy`) with `-chdir=<dir>`, or in the folder
 * the script last changed to with a literal `cd` (from its own folder). Read once per run, and only
 * when a module would otherwise be graded as one.
 */
function appliedFolders(workspace: Workspace): ReadonlySet<string> {
  return workspace.memo('terraform-applied-folders', '', () => {
    const out = new Set(workflowDeploys(workspace).map((d) => d.to));
    for (const script of workspace.screenedGlob(SCRIPT_FILES, APPLY_SCREEN)) {
      if (script.startsWith('.github/')) continue;
      const text = workspace.text(script);
      if (text === undefined) continue;
      const at = (base: string | undefined, to: string): string | undefined => {
        if (base === undefined || /[$`~*]/.test(to) || to.startsWith('/')) return undefined;
        const joined = path.posix.normalize(path.posix.join(base, to)).replace(/\/+$/, '');
        return joined === '..' || joined.startsWith('../') ? undefined : joined;
      };
      let cwd: string | undefined = path.posix.dirname(script);
      const embedded = !/\.(?:sh|bash)$/.test(script);
      for (const view of scriptCommands(text, 0, text.length, embedded)) {
        const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
        if (view.name === 'cd') cwd = words[0] === undefined ? undefined : at(cwd, words[0]);
        if (!TERRAFORM_PROGRAMS.has(view.name) || !words.includes('apply') || words.includes('-destroy'))
          continue;
        const chdir = words.find((w) => w.startsWith('-chdir='));
        const dir = chdir ? at(cwd, chdir.slice('-chdir='.length)) : cwd;
        if (dir !== undefined) out.add(dir);
      }
    }
    return out;
  });
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
    const folders = new Set(files.map((f) => f.module));
    const deployed = new Set(
      files
        .flatMap((f) => moduleCalls(f, folders))
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

/**
 * The `module` blocks of a file with the folder of the tree each calls: by a local path, or by the
 * end of a path that is no folder of the tree or of a git or registry address's subdirectory (see
 * {@link inputDecider}), every folder whose path it ends with or that ends with it.
 */
function moduleCalls(caller: TerraformFile, folders: ReadonlySet<string>): Call[] {
  return caller.body.blocks.flatMap((block): Call[] => {
    if (block.type !== 'module' || block.labels.length !== 1) return [];
    const source = attribute(block.body, 'source');
    const value = source && literal(source.value);
    if (typeof value !== 'string') return [];
    let tail: string | undefined;
    if (/^\.\.?(?:\/|$)/.test(value)) {
      const module = path.posix.normalize(path.posix.join(caller.module, value)).replace(/(.)\/+$/, '$1');
      if (module === '..' || module.startsWith('../')) return [];
      if (folders.has(module)) return [{ caller, body: block.body, module }];
      tail = module;
    } else {
      // `<address>//<subdirectory>?ref=…`; the `//` of a URL's scheme (`https://`) is none.
      tail = /(?<!:)\/\/([^?]+)/.exec(value.replace(/^[a-z0-9+]+::/i, ''))?.[1];
    }
    const end = tail
      ?.split('/')
      .filter((p) => p !== '' && p !== '.')
      .join('/');
    if (!end || end.split('/').includes('..')) return [];
    return [...folders]
      .filter((f) => f !== '.' && (f === end || f.endsWith(`/${end}`) || end.endsWith(`/${f}`)))
      .map((module) => ({ caller, body: block.body, module }));
  });
}
