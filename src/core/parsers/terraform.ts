import path from 'node:path';
import { LineIndex } from '../workspace/lines.js';
import { defineScreen } from '../workspace/screens.js';
import type { LargeConfig, Workspace } from '../workspace/workspace.js';
import { SCRIPT_FILES, scriptCommands } from './shell-commands.js';
import type { HclParser } from './terraform-hcl.js';
import { parseTerraformJson } from './terraform-json.js';
import { applyOverrides } from './terraform-overrides.js';
import {
  type HclAttribute,
  type HclBlock,
  type HclBody,
  type HclValue,
  parseHcl,
} from './terraform-syntax.js';
import {
  setVariableFiles,
  type VariableFile,
  variableFileOrder,
  variablesOfJson,
} from './terraform-values.js';

export type * from './terraform-syntax.js';

/**
 * A model of Terraform configurations: the configuration files of the workspace, their resources,
 * providers and backends, each with exact spans. The native syntax (`.tf`, and OpenTofu's `.tofu`) is
 * parsed with a real HCL parser (see terraform-hcl.ts), the JSON syntax (`.tf.json`, `.tofu.json`)
 * is read into the same model (see terraform-json.ts), and override files (`*_override.tf`) are
 * merged into the blocks they override (see terraform-overrides.ts). A file that does not parse is
 * recorded as an input problem (the `unparsable-file` rule reports it) and contributes nothing, as
 * Terraform itself would refuse it.
 *
 * OpenTofu reads `x.tofu` instead of `x.tf` when a folder has both, and Terraform never reads
 * `.tofu` files: a configuration that has both is meant for both tools, so both files are judged.
 */

export const TERRAFORM_GLOBS = ['**/*.tf', '**/*.tofu', '**/*.tf.json', '**/*.tofu.json'];
/** Provider and module caches that `terraform init` writes; not the repository's configuration. */
const NOT_CONFIGURATION = ['**/.terraform/**'];

/** One parsed configuration file. */
export interface TerraformFile {
  path: string;
  /** The directory: Terraform's module, within which resource addresses are unique. */
  module: string;
  body: HclBody;
  /** The override files merged into blocks of this file (see terraform-overrides.ts). */
  overriddenBy?: string[];
}

/** A `resource` or `data` block. */
export interface TerraformResource {
  file: TerraformFile;
  mode: 'resource' | 'data';
  type: string;
  name: string;
  block: HclBlock;
}

/** Configuration files of the workspace (see {@link TERRAFORM_GLOBS}), outside `.terraform/` directories. */
export function terraformPaths(workspace: Workspace): string[] {
  const skip = workspace.matcher(NOT_CONFIGURATION);
  return workspace.glob(TERRAFORM_GLOBS).filter((f) => !skip(f));
}

/**
 * Every configuration file of the workspace that parses, in index order, with the override files of
 * each module merged into its other files (see terraform-overrides.ts). Loads the parser on first use
 * (an asynchronous WebAssembly start), then parses each file once per run, shared by every rule.
 */
export function terraformFiles(workspace: Workspace): Promise<TerraformFile[]> {
  // Every Terraform rule asks; the walk and the parses happen once per run.
  return workspace.memo('terraform-files', '', async () => {
    const paths = terraformPaths(workspace);
    if (paths.length === 0) return [];
    // The parser and its WebAssembly runtime are a chunk of their own in the bundle, read only here.
    const { loadHclParser } = await import('./terraform-hcl.js');
    const parser = await loadHclParser();
    const files = applyOverrides(
      paths.flatMap((f) => {
        const file = readTerraformFile(workspace, parser, f);
        return file ? [file] : [];
      }),
    );
    setVariableFiles(
      files,
      readVariableFiles(workspace, parser),
      possibleVariableFiles(workspace, parser, files),
    );
    return files;
  });
}

/**
 * The variable files Terraform loads by itself in a folder it runs in (`terraform.tfvars`,
 * `terraform.tfvars.json`, `*.auto.tfvars`, `*.auto.tfvars.json`), by folder, in Terraform's order
 * (a later file overrides an earlier one). One that cannot be read or parsed is kept without values:
 * it may set anything.
 */
function readVariableFiles(workspace: Workspace, parser: HclParser): Map<string, VariableFile[]> {
  const skip = workspace.matcher(NOT_CONFIGURATION);
  const byModule = new Map<string, VariableFile[]>();
  for (const file of workspace.glob(VARIABLE_FILE_GLOBS)) {
    if (skip(file)) continue;
    const module = path.posix.dirname(file);
    const list = byModule.get(module) ?? [];
    list.push(readVariableFile(workspace, parser, file));
    byModule.set(module, list);
  }
  for (const list of byModule.values()) list.sort(variableFileOrder);
  return byModule;
}

/** What a variable file sets; without values when it cannot be read or parsed (it may set anything). */
function readVariableFile(workspace: Workspace, parser: HclParser, file: string): VariableFile {
  return workspace.memo('terraform-variable-file', file, () => {
    const content = workspace.read(file);
    let values: Map<string, HclValue> | undefined;
    if (content.kind === 'text') {
      if (file.endsWith('.json')) values = variablesOfJson(content.text);
      else {
        const result = parseHcl(parser, content.text, content.lines);
        if (result.ok) values = new Map(result.body.attributes.map((a) => [a.name, a.value]));
      }
    }
    return { path: file, values };
  });
}

/** Every variable file by name, auto-loaded or not: what `-var-file` may name. */
const ANY_VARIABLE_FILE_GLOBS = ['**/*.tfvars', '**/*.tfvars.json'];

/** Terraform (or OpenTofu, Terragrunt) commands that read variables, and the options they take. */
const TERRAFORM_PROGRAMS = new Set(['terraform', 'tofu', 'terragrunt']);
const VARIABLE_SUBCOMMANDS = new Set(['plan', 'apply', 'destroy', 'refresh', 'import', 'console', 'run-all']);
/** A script line that may give a run variables: cheap to test before lexing the script. */
const GIVES_VARIABLES = /\b(?:terraform|tofu|terragrunt)\b[^\n]*-var|\bTF_VAR_\w/;

/**
 * A variable given through the environment (`TF_VAR_name`), as a workflow's `env:` key
 * (`TF_VAR_admin_cidrs: '["0.0.0.0/0"]'`) or a shell assignment (`export TF_VAR_region=eu-west-1`,
 * `TF_VAR_x=1 terraform apply`): its name and the value as written.
 */
const ENVIRONMENT_VARIABLE =
  /(?:^|[\s;&|(])(?:export\s+)?TF_VAR_([A-Za-z_][\w-]{0,127})([ \t]*:[ \t]*|=)(\S[^\n]{0,2000})/gm;

/**
 * The scripts and workflows that may give a run variables: a change to any other one cannot change
 * what a variable may be (see screens.ts).
 */
const VARIABLE_SCRIPT_SCREEN = defineScreen('terraform-variable-scripts', (_file, text) =>
  GIVES_VARIABLES.test(text),
);

/**
 * The variable files and `-var` values a run of each module may be given, by module folder (see
 * terraform-values.ts): every `*.tfvars(.json)` of the folder that Terraform does not load by itself
 * (a `-var-file` may name it), each file a `terraform plan|apply -var-file=<f>` of a workflow, a
 * Makefile or a shell script names relative to the folder (`-var-file=envs/${ENV}.tfvars` names
 * every file it may match), and the `-var 'x=value'` of such commands and the `TF_VAR_x` a workflow's
 * `env:` or a script sets, for each folder whose configuration declares `x`. Where a command runs is not followed: a path is tried from every
 * folder, which errs toward more possible values.
 */
function possibleVariableFiles(
  workspace: Workspace,
  parser: HclParser,
  files: readonly TerraformFile[],
): Map<string, VariableFile[]> {
  const skip = workspace.matcher(NOT_CONFIGURATION);
  const auto = workspace.matcher(VARIABLE_FILE_GLOBS);
  const all = workspace.glob(ANY_VARIABLE_FILE_GLOBS).filter((f) => !skip(f));
  const modules = [...new Set(files.map((f) => f.module))];
  const out = new Map<string, Map<string, VariableFile>>();
  const add = (module: string, file: VariableFile) => {
    const list = out.get(module) ?? new Map<string, VariableFile>();
    out.set(module, list);
    if (!list.has(file.path)) list.set(file.path, file);
  };
  for (const file of all) {
    const module = path.posix.dirname(file);
    if (!auto(file) && modules.includes(module)) add(module, readVariableFile(workspace, parser, file));
  }
  const declared = (module: string, name: string) =>
    files.some(
      (f) =>
        f.module === module &&
        f.body.blocks.some((b) => b.type === 'variable' && b.labels.length === 1 && b.labels[0] === name),
    );
  for (const script of workspace.screenedGlob(SCRIPT_FILES, VARIABLE_SCRIPT_SCREEN)) {
    const text = workspace.text(script);
    if (text === undefined) continue;
    // Variables given through the environment, for each folder that declares them.
    for (const m of text.matchAll(ENVIRONMENT_VARIABLE)) {
      const name = m[1]!;
      const written = m[3]!.trim();
      // A value may be quoted; an unquoted YAML value runs to a comment, a shell word to a blank.
      const quoted = /^(["'])(.*?)\1/.exec(written)?.[2];
      const raw = quoted ?? (m[2] === '=' ? written.split(/[\s;&|)]/)[0]! : written.split(/\s+#/)[0]!.trim());
      const value = commandLineValue(parser, name, raw);
      for (const module of modules) {
        if (declared(module, name))
          add(module, { path: `${script} (TF_VAR_${name})`, values: new Map([[name, value]]) });
      }
    }
    const embedded = !/\.(?:sh|bash)$/.test(script);
    for (const view of scriptCommands(text, 0, text.length, embedded)) {
      if (!TERRAFORM_PROGRAMS.has(view.name)) continue;
      const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
      if (!words.some((w) => VARIABLE_SUBCOMMANDS.has(w))) continue;
      for (let k = 0; k < words.length; k++) {
        const m = /^--?(var-file|var)(?:=([\s\S]*))?$/.exec(words[k]!);
        if (!m) continue;
        const arg = m[2] ?? words[++k];
        if (arg === undefined) continue;
        if (m[1] === 'var-file') {
          for (const module of modules) {
            for (const file of namedFiles(all, module, arg))
              add(module, readVariableFile(workspace, parser, file));
          }
          continue;
        }
        const eq = arg.indexOf('=');
        if (eq <= 0) continue;
        const name = arg.slice(0, eq).trim();
        const value = commandLineValue(parser, name, arg.slice(eq + 1));
        for (const module of modules) {
          if (declared(module, name))
            add(module, { path: `${script} (-var ${name})`, values: new Map([[name, value]]) });
        }
      }
    }
  }
  return new Map([...out].map(([m, list]) => [m, [...list.values()]]));
}

/**
 * The variable files a `-var-file` argument names from a folder: the file at that path, or, for an
 * argument with a variable or an expression in it (`envs/${ENV}.tfvars`), every file it may match.
 */
function namedFiles(all: readonly string[], module: string, arg: string): string[] {
  const joined = path.posix.normalize(path.posix.join(module, arg.trim()));
  if (!/[$*?{]/.test(arg)) return all.includes(joined) ? [joined] : [];
  const parts = joined.split(/\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]\w*|[*?]/);
  const pattern = new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return all.filter((f) => pattern.test(f));
}

/**
 * A `-var` value as Terraform reads it: an HCL expression for a list, map or number, else the
 * string as written; one naming a shell variable or expression (`$CIDR`) is unknown.
 */
function commandLineValue(parser: HclParser, name: string, raw: string): HclValue {
  const span = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  if (raw.includes('$')) return { kind: 'expression', span, text: raw };
  if (/^\s*[[{]/.test(raw)) {
    const text = `${name} = ${raw}\n`;
    const parsed = parseHcl(parser, text, new LineIndex(text));
    const value = parsed.ok ? parsed.body.attributes[0]?.value : undefined;
    if (value) return value;
  }
  return { kind: 'string', value: raw, span, text: JSON.stringify(raw) };
}

/**
 * One configuration file's model as written (see {@link readTerraformFile}), for a question about
 * that file alone: the parser is loaded here when no rule has loaded it yet.
 */
export async function terraformFile(workspace: Workspace, file: string): Promise<TerraformFile | undefined> {
  const { loadHclParser } = await import('./terraform-hcl.js');
  return readTerraformFile(workspace, await loadHclParser(), file);
}

const VARIABLE_FILE_GLOBS = [
  '**/terraform.tfvars',
  '**/terraform.tfvars.json',
  '**/*.auto.tfvars',
  '**/*.auto.tfvars.json',
];

/** How many times the size read a configuration file is parsed whole up to. */
const LARGE_TERRAFORM_TIMES = 8;
const LARGE_TERRAFORM: LargeConfig = {
  severity: 'high',
  holds: () => true,
  part: (text, max) => (text.length <= LARGE_TERRAFORM_TIMES * max ? text : undefined),
};

/** One file's model (cached), or undefined when it is unreadable or does not parse. */
export function readTerraformFile(
  workspace: Workspace,
  parser: HclParser,
  file: string,
): TerraformFile | undefined {
  return workspace.memo('terraform', file, () => {
    const read = workspace.read(file);
    let content: { text: string; lines: LineIndex };
    if (read.kind === 'text') content = read;
    else {
      // Not text: said as an input problem, not passed over. A large one (a generated configuration,
      // or padding) is parsed whole up to LARGE_TERRAFORM_TIMES the size read; a larger one is a
      // high problem.
      const text = workspace.configText(file, LARGE_TERRAFORM);
      if (text === undefined) return undefined;
      content = { text, lines: new LineIndex(text) };
    }
    const result = /\.json$/i.test(file)
      ? parseTerraformJson(content.text, content.lines)
      : parseHcl(parser, content.text, content.lines);
    if (!result.ok) {
      workspace.reportProblem({ path: file, ...result.error });
      return undefined;
    }
    return { path: file, module: path.posix.dirname(file), body: result.body };
  });
}

/** The `resource` (and, with `mode: 'data'`, `data`) blocks of the files, optionally of some types. */
export function terraformResources(
  files: readonly TerraformFile[],
  types?: ReadonlySet<string> | readonly string[],
  mode: 'resource' | 'data' = 'resource',
): TerraformResource[] {
  const wanted = types ? new Set(types) : undefined;
  const out: TerraformResource[] = [];
  for (const file of files) {
    for (const block of file.body.blocks) {
      if (block.type !== mode || block.labels.length !== 2) continue;
      const [type, name] = block.labels as [string, string];
      if (wanted && !wanted.has(type)) continue;
      out.push({ file, mode, type, name, block });
    }
  }
  return out;
}

/** The attribute `name` of a body, if set. */
export function attribute(body: HclBody, name: string): HclAttribute | undefined {
  return body.attributes.find((a) => a.name === name);
}

/**
 * The nested blocks of a type, including the `content` of `dynamic "<type>"` blocks (whose values
 * are usually references to the iterator, and so unknown).
 */
export function nestedBlocks(
  body: HclBody,
  type: string,
): { block: HclBlock; body: HclBody; dynamic: boolean }[] {
  const out: { block: HclBlock; body: HclBody; dynamic: boolean }[] = [];
  for (const block of body.blocks) {
    if (block.type === type) out.push({ block, body: block.body, dynamic: false });
    else if (block.type === 'dynamic' && block.labels[0] === type) {
      const content = block.body.blocks.find((b) => b.type === 'content');
      if (content) out.push({ block, body: content.body, dynamic: true });
    }
  }
  return out;
}

/** A literal's value (string, number, bool or null); undefined when it must be evaluated. */
export function literal(value: HclValue): string | number | boolean | null | undefined {
  switch (value.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return value.value;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

/**
 * Whether two literals mean the same to Terraform, which converts between strings, numbers and
 * bools: `true` equals `"true"`, `0` equals `"0"`.
 */
export function sameLiteral(
  a: string | number | boolean | null,
  b: string | number | boolean | null,
): boolean {
  if (a === null || b === null) return a === b;
  return String(a) === String(b);
}

/** How a resource is named in messages: `aws_s3_bucket "logs"`. */
export function describeResource(r: Pick<TerraformResource, 'type' | 'name'>): string {
  return `${r.type} "${r.name}"`;
}
