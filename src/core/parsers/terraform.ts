import path from 'node:path';
import type { Workspace } from '../workspace/workspace.js';
import type { HclParser } from './terraform-hcl.js';
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
 * A model of Terraform configurations: the `.tf` files of the workspace parsed with a real HCL
 * parser (see terraform-hcl.ts), their resources, providers and backends, each with exact spans.
 * A file that does not parse is recorded as an input problem (the `unparsable-file` rule reports it)
 * and contributes nothing, as Terraform itself would refuse it. JSON syntax (`.tf.json`) is not read.
 */

export const TERRAFORM_GLOBS = ['**/*.tf'];
/** Provider and module caches that `terraform init` writes; not the repository's configuration. */
const NOT_CONFIGURATION = ['**/.terraform/**'];

/** One parsed `.tf` file. */
export interface TerraformFile {
  path: string;
  /** The directory: Terraform's module, within which resource addresses are unique. */
  module: string;
  body: HclBody;
}

/** A `resource` or `data` block. */
export interface TerraformResource {
  file: TerraformFile;
  mode: 'resource' | 'data';
  type: string;
  name: string;
  block: HclBlock;
}

/** `.tf` files of the workspace, outside `.terraform/` directories. */
export function terraformPaths(workspace: Workspace): string[] {
  const skip = workspace.matcher(NOT_CONFIGURATION);
  return workspace.glob(TERRAFORM_GLOBS).filter((f) => !skip(f));
}

/**
 * Every `.tf` file of the workspace that parses, in index order. Loads the parser on first use (an
 * asynchronous WebAssembly start), then parses each file once per run, shared by every rule.
 */
export function terraformFiles(workspace: Workspace): Promise<TerraformFile[]> {
  // Every Terraform rule asks; the walk and the parses happen once per run.
  return workspace.memo('terraform-files', '', async () => {
    const paths = terraformPaths(workspace);
    if (paths.length === 0) return [];
    // The parser and its WebAssembly runtime are a chunk of their own in the bundle, read only here.
    const { loadHclParser } = await import('./terraform-hcl.js');
    const parser = await loadHclParser();
    const files = paths.flatMap((f) => {
      const file = readTerraformFile(workspace, parser, f);
      return file ? [file] : [];
    });
    setVariableFiles(files, readVariableFiles(workspace, parser));
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
    const content = workspace.read(file);
    let values: Map<string, HclValue> | undefined;
    if (content.kind === 'text') {
      if (file.endsWith('.json')) values = variablesOfJson(content.text);
      else {
        const result = parseHcl(parser, content.text, content.lines);
        if (result.ok) values = new Map(result.body.attributes.map((a) => [a.name, a.value]));
      }
    }
    const module = path.posix.dirname(file);
    const list = byModule.get(module) ?? [];
    list.push({ path: file, values });
    byModule.set(module, list);
  }
  for (const list of byModule.values()) list.sort(variableFileOrder);
  return byModule;
}

const VARIABLE_FILE_GLOBS = [
  '**/terraform.tfvars',
  '**/terraform.tfvars.json',
  '**/*.auto.tfvars',
  '**/*.auto.tfvars.json',
];

/** One file's model (cached), or undefined when it is unreadable or does not parse. */
export function readTerraformFile(
  workspace: Workspace,
  parser: HclParser,
  file: string,
): TerraformFile | undefined {
  return workspace.memo('terraform', file, () => {
    const content = workspace.read(file);
    if (content.kind !== 'text') {
      // Not text: said as an input problem (a large generated configuration: medium), not passed over.
      workspace.configText(file, { severity: 'medium', holds: () => true });
      return undefined;
    }
    const result = parseHcl(parser, content.text, content.lines);
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
