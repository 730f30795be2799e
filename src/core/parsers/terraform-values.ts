import path from 'node:path';
import { inTestPaths } from '../confidence.js';
import type { NodeSpan } from '../workspace/yaml.js';
import type { TerraformFile } from './terraform.js';
import { blockInstances, evaluateLiteral } from './terraform-instances.js';
import type { HclBody, HclValue } from './terraform-syntax.js';

/**
 * What a reference to a module's own values stands for: `local.<name>` is the value its `locals`
 * block assigns, and `var.<name>` is its `default` (what Terraform uses when nothing sets the
 * variable). Checks judge `storage_encrypted = var.encrypted` with `default = false` as they judge
 * `storage_encrypted = false`.
 *
 * Only a whole value that is one such reference is replaced (`var.x`, `"${var.x}"`, and the items
 * of a list); anything computed from it (`var.x ? 1 : 0`, `"${var.x}-a"`) stays unknown. A variable
 * without a default is still unknown where it is used.
 *
 * The variable files Terraform loads by itself in the folder it runs in (`terraform.tfvars`,
 * `terraform.tfvars.json`, `*.auto.tfvars(.json)`) override defaults: in a folder that no module
 * block of the repository calls (a root configuration), `var.x` is the value the last of them that
 * sets it gives, else its default. A module that another calls keeps its default (its callers' runs
 * do not load its folder's files). Where the callers of a reusable module set it, a default is only a
 * default ({@link inputOf} tells a value made from one; terraform-modules.ts, whether its callers
 * decide).
 *
 * Values a run may be given on the command line are possible values, not the one value: a variable
 * file a `terraform plan|apply -var-file=<f>` of a workflow or script names, any other `*.tfvars`
 * of the module's folder (which such a command may load), and a `-var 'x=...'` (see terraform.ts).
 * {@link valueCandidates} gives every value a reference may take (the default and each file's), for
 * a judgement that must hold for all (a lowering); {@link valueVariants} gives a resolver per possible
 * file, for a check that reports a value any run may use, and one per `module` block of the tree that
 * calls a module of the tree by a local path (outside test and example paths), where the called
 * module's `var.x` is what the call's argument gives.
 */

/** A reference to a module's variable or local, written bare or as the only interpolation. */
const REFERENCE = /^(?:"\$\{\s*)?(var|local)\.([A-Za-z_][\w-]*)(?:\s*\}")?$/;
/** Locals may name other locals; a cycle (an error to Terraform) or a long chain stays unknown. */
const MAX_HOPS = 8;

interface ModuleScope {
  variables: Map<string, HclValue>;
  locals: Map<string, HclValue>;
  /** What the folder's variable files set, in load order; `undefined` values: a file not read. */
  assigned: { path: string; values: ReadonlyMap<string, HclValue> | undefined }[];
  /** What a run may be given besides (`-var-file`, `-var`, other `*.tfvars`), each on its own. */
  possible: readonly VariableFile[];
  /** True when a module block of the repository calls this module by a local path. */
  called: boolean;
}

/** A variable file of a folder: what it assigns, or undefined when it could not be read or parsed. */
export interface VariableFile {
  path: string;
  values: Map<string, HclValue> | undefined;
}

const VARIABLE_FILES = new WeakMap<
  readonly TerraformFile[],
  {
    loaded: ReadonlyMap<string, readonly VariableFile[]>;
    possible: ReadonlyMap<string, readonly VariableFile[]>;
  }
>();

/**
 * Records the variable files (by folder) that go with one parse's files: those Terraform loads by
 * itself, and those a run may be given (see the module's comment).
 */
export function setVariableFiles(
  files: readonly TerraformFile[],
  loaded: ReadonlyMap<string, readonly VariableFile[]>,
  possible: ReadonlyMap<string, readonly VariableFile[]> = new Map(),
): void {
  VARIABLE_FILES.set(files, { loaded, possible });
}

/**
 * The variable files in a folder (`*.tfvars`, `*.tfvars.json`), loaded by Terraform by itself or not:
 * a configuration shipped with values of its own is one that is applied.
 */
export function variableFilesIn(files: readonly TerraformFile[], module: string): string[] {
  const recorded = VARIABLE_FILES.get(files);
  if (!recorded) return [];
  return [...(recorded.loaded.get(module) ?? []), ...(recorded.possible.get(module) ?? [])]
    .map((f) => f.path)
    .filter((p) => /\.tfvars(?:\.json)?$/.test(p) && path.posix.dirname(p) === module);
}

/**
 * Terraform's load order of a folder's variable files: `terraform.tfvars`, `terraform.tfvars.json`,
 * then the `*.auto.tfvars(.json)` files in lexical order of their names.
 */
export function variableFileOrder(a: { path: string }, b: { path: string }): number {
  const rank = (p: string) => {
    const name = path.posix.basename(p);
    return name === 'terraform.tfvars' ? 0 : name === 'terraform.tfvars.json' ? 1 : 2;
  };
  const byRank = rank(a.path) - rank(b.path);
  if (byRank !== 0) return byRank;
  const [x, y] = [path.posix.basename(a.path), path.posix.basename(b.path)];
  return x < y ? -1 : x > y ? 1 : 0;
}

const NO_SPAN: NodeSpan = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** The assignments of a `.tfvars.json` file as values; undefined when it is not a JSON object. */
export function variablesOfJson(text: string): Map<string, HclValue> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return new Map(Object.entries(parsed).map(([k, v]) => [k, fromJson(v, 0)]));
}

function fromJson(v: unknown, depth: number): HclValue {
  const text = JSON.stringify(v) ?? 'null';
  if (typeof v === 'string') return { kind: 'string', value: v, span: NO_SPAN, text };
  if (typeof v === 'number') return { kind: 'number', value: v, span: NO_SPAN, text };
  if (typeof v === 'boolean') return { kind: 'bool', value: v, span: NO_SPAN, text };
  if (v === null) return { kind: 'null', span: NO_SPAN, text };
  if (depth > 16) return { kind: 'expression', span: NO_SPAN, text };
  if (Array.isArray(v))
    return { kind: 'tuple', items: v.map((i) => fromJson(i, depth + 1)), span: NO_SPAN, text };
  return {
    kind: 'object',
    entries: Object.entries(v as Record<string, unknown>).map(([key, value]) => ({
      key,
      keySpan: NO_SPAN,
      value: fromJson(value, depth + 1),
    })),
    span: NO_SPAN,
    text,
  };
}

/** Resolves values against the modules of one set of files. */
export type ValueResolver = (file: TerraformFile, value: HclValue) => HclValue;

const RESOLVERS = new WeakMap<readonly TerraformFile[], ValueResolver>();

/** The values a resolver made from a variable's default, with the variable's name. */
const INPUTS = new WeakMap<HclValue, string>();

/**
 * The name of the variable whose default a resolved value is (directly, through locals, or as an
 * item of a list default); undefined for a literal written in place or a local's own value.
 */
export function inputOf(value: HclValue): string | undefined {
  return INPUTS.get(value);
}

/**
 * A resolver for the files (one per parse, shared by every rule): `resolve(file, value)` is the
 * value with references to the module's variables (their defaults) and locals replaced, keeping the
 * span of the reference (a finding stays where the value is used) and saying in `text` where the
 * value came from: `var.encrypted (default false)`.
 */
export function valueResolver(files: readonly TerraformFile[]): ValueResolver {
  let resolver = RESOLVERS.get(files);
  if (!resolver) {
    const scopes = moduleScopes(files);
    resolver = (file, value) => resolve(scopes.get(file.module), value, 0);
    RESOLVERS.set(files, resolver);
  }
  return resolver;
}

function moduleScopes(files: readonly TerraformFile[]): Map<string, ModuleScope> {
  let scopes = SCOPES.get(files);
  if (scopes) return scopes;
  scopes = new Map<string, ModuleScope>();
  SCOPES.set(files, scopes);
  const variableFiles = VARIABLE_FILES.get(files);
  const called = calledModules(files);
  for (const file of files) {
    let scope = scopes.get(file.module);
    if (!scope) {
      scope = {
        variables: new Map(),
        locals: new Map(),
        assigned: [...(variableFiles?.loaded.get(file.module) ?? [])],
        possible: variableFiles?.possible.get(file.module) ?? [],
        called: called.has(file.module),
      };
      scopes.set(file.module, scope);
    }
    for (const block of file.body.blocks) {
      if (block.type === 'variable' && block.labels.length === 1) {
        const d = block.body.attributes.find((a) => a.name === 'default');
        if (d) scope.variables.set(block.labels[0]!, d.value);
      } else if (block.type === 'locals') {
        for (const a of block.body.attributes) scope.locals.set(a.name, a.value);
      }
    }
  }
  return scopes;
}

const SCOPES = new WeakMap<readonly TerraformFile[], Map<string, ModuleScope>>();

/** The folders that a `module` block of the files calls by a literal local path (`./x`, `../x`). */
function calledModules(files: readonly TerraformFile[]): Set<string> {
  const called = new Set<string>();
  for (const file of files) {
    for (const block of file.body.blocks) {
      if (block.type !== 'module') continue;
      const source = block.body.attributes.find((a) => a.name === 'source')?.value;
      if (source?.kind !== 'string' || !/^\.\.?(?:\/|$)/.test(source.value)) continue;
      called.add(path.posix.normalize(path.posix.join(file.module, source.value)).replace(/(.)\/+$/, '$1'));
    }
  }
  return called;
}

/**
 * For the files: every value a whole reference (`var.x`, `local.y`, as {@link valueResolver} reads
 * them) may take: a variable's default, what each of its folder's variable files sets, and what each
 * file or `-var` a run may be given sets (a file that could not be read adds an unknown value),
 * through locals. A value that is no such reference,
 * or a variable nothing gives a value, is itself the only candidate.
 */
export function valueCandidates(
  files: readonly TerraformFile[],
): (file: TerraformFile, value: HclValue) => HclValue[] {
  const scopes = moduleScopes(files);
  return (file, value) => candidatesOf(scopes.get(file.module), value, 0);
}

function candidatesOf(scope: ModuleScope | undefined, value: HclValue, hops: number): HclValue[] {
  if (!scope || hops >= MAX_HOPS || (value.kind !== 'expression' && value.kind !== 'template'))
    return [value];
  const m = REFERENCE.exec(value.text.trim());
  if (!m) return [value];
  const [, kind, name] = m as unknown as [string, 'var' | 'local', string];
  if (kind === 'local') {
    const target = scope.locals.get(name);
    return target ? candidatesOf(scope, target, hops + 1) : [value];
  }
  const found: HclValue[] = [];
  const fallback = scope.variables.get(name);
  if (fallback) found.push(fallback);
  for (const file of [...scope.assigned, ...scope.possible]) {
    // A file that could not be read may set anything: an unknown value, which no reference resolves.
    const set = file.values
      ? file.values.get(name)
      : { kind: 'expression' as const, span: value.span, text: file.path };
    if (set) found.push(set);
  }
  if (found.length === 0) return [value];
  return found.flatMap((v) => candidatesOf(scope, v, hops + 1));
}

/** A resolver for one variable file a run may be given, and the modules it may be given to. */
export interface ValueVariant {
  /** The file (or `<script> (-var)`), as a message names it. */
  source: string;
  modules: ReadonlySet<string>;
  resolve: ValueResolver;
  /**
   * Set for a call of a module of the tree: the module's variables are what the call's arguments set
   * (`module "sg" in main.tf`), not a file given on the command line.
   */
  call?: string;
}

/** A module block's arguments that are Terraform's, not the called module's variables. */
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
/** Calls of one module judged each with their arguments, at most (a module called a hundred times). */
const MAX_CALLS_PER_MODULE = 32;

const VARIANTS = new WeakMap<readonly TerraformFile[], ValueVariant[]>();

/**
 * For the files: one resolver per variable file a run may be given (see the module's comment), which
 * reads `var.x` as that file sets it (over the auto-loaded files and the default, as Terraform's
 * `-var-file` does), for the modules in `modules` (elsewhere it is {@link valueResolver}'s). A check
 * that reports a dangerous value judges each variant too: `cidr_blocks = var.admin_cidrs` whose
 * default is private and whose `prod.tfvars` is `0.0.0.0/0` is open when the deploy job applies
 * prod.tfvars. A file that could not be read gives no variant (valueCandidates counts it unknown).
 */
export function valueVariants(files: readonly TerraformFile[]): readonly ValueVariant[] {
  let variants = VARIANTS.get(files);
  if (variants) return variants;
  const scopes = moduleScopes(files);
  const byFile = new Map<string, { file: VariableFile; modules: Set<string> }>();
  for (const [module, scope] of scopes) {
    if (scope.called) continue;
    for (const file of scope.possible) {
      if (!file.values || file.values.size === 0) continue;
      const entry = byFile.get(file.path) ?? { file, modules: new Set<string>() };
      entry.modules.add(module);
      byFile.set(file.path, entry);
    }
  }
  const base = valueResolver(files);
  variants = [...byFile.values()].map(({ file, modules }) => ({
    source: file.path,
    modules,
    resolve: (f: TerraformFile, value: HclValue) =>
      modules.has(f.module) ? resolve(scopes.get(f.module), value, 0, file) : base(f, value),
  }));
  variants.push(...callVariants(files, scopes, base));
  VARIANTS.set(files, variants);
  return variants;
}

/** How many modules deep a call's arguments are followed through the calls of its caller's module. */
const MAX_CALL_DEPTH = 4;

/**
 * One variant per `module` block that calls a module of the tree by a local path: in the called
 * module, `var.x` is what the call's argument `x` gives (resolved in the caller's module: a literal,
 * or the caller's own variable or local), over the variable's default. `module "sg" { source =
 * "./modules/sg", cidr = "0.0.0.0/0" }` opens what the module's `cidr_blocks = [var.cidr]` allows.
 * A caller that is itself a called module passes its own inputs on (`cidr = var.admin_cidr`): one
 * variant more per call of the caller, its arguments resolved as that call gives them, up to
 * {@link MAX_CALL_DEPTH} modules deep.
 */
function callVariants(
  files: readonly TerraformFile[],
  scopes: ReadonlyMap<string, ModuleScope>,
  base: ValueResolver,
): ValueVariant[] {
  const calls: { file: TerraformFile; block: TerraformFile['body']['blocks'][number]; module: string }[] = [];
  for (const file of files) {
    for (const block of file.body.blocks) {
      // A call in a test or an example shows the module's use; what is deployed is called elsewhere.
      if (block.type !== 'module' || block.labels.length !== 1 || inTestPaths(file.path)) continue;
      const source = block.body.attributes.find((a) => a.name === 'source')?.value;
      if (source?.kind !== 'string' || !/^\.\.?(?:\/|$)/.test(source.value)) continue;
      const module = path.posix
        .normalize(path.posix.join(file.module, source.value))
        .replace(/(.)\/+$/, '$1');
      if (!scopes.has(module) || module === file.module) continue;
      calls.push({ file, block, module });
    }
  }
  const out: ValueVariant[] = [];
  const perModule = new Map<string, number>();
  let previous: ValueVariant[] = [];
  for (let depth = 0; depth < MAX_CALL_DEPTH; depth++) {
    const made: ValueVariant[] = [];
    for (const { file, block, module } of calls) {
      const scope = scopes.get(module)!;
      // First as a run gives the caller's module its values; then as each call of it does.
      const through: { resolve: ValueResolver; call?: string }[] =
        depth === 0 ? [{ resolve: base }] : previous.filter((v) => v.modules.has(file.module));
      for (const caller of through) {
        // A call over a literal `for_each` or `count` is one call per instance, `each.value` or
        // `count.index` written into its arguments.
        for (const instance of blockInstances(file, block, caller.resolve)) {
          const n = perModule.get(module) ?? 0;
          if (n >= MAX_CALLS_PER_MODULE) break;
          const values = new Map<string, HclValue>();
          for (const a of instance.body.attributes)
            if (!MODULE_META.has(a.name)) values.set(a.name, caller.resolve(file, a.value));
          if (values.size === 0) continue;
          perModule.set(module, n + 1);
          const name = `module "${block.labels[0]}"${instance.key ?? ''}`;
          const call = `${name} in ${file.path}${caller.call ? ` (called by ${caller.call})` : ''}`;
          const given: VariableFile = { path: file.path, values };
          made.push({
            source: file.path,
            call,
            modules: new Set([module]),
            resolve: (f: TerraformFile, value: HclValue) =>
              f.module === module ? resolve(scope, value, 0, given, true) : base(f, value),
          });
        }
      }
    }
    out.push(...made);
    previous = made;
    if (made.length === 0) break;
  }
  return out;
}

function resolve(
  scope: ModuleScope | undefined,
  value: HclValue,
  hops: number,
  given?: VariableFile,
  byCall = false,
): HclValue {
  if (!scope || hops >= MAX_HOPS) return value;
  if (value.kind === 'tuple') {
    const items = value.items.map((i) => resolve(scope, i, hops, given, byCall));
    return items.every((i, n) => i === value.items[n]) ? value : { ...value, items };
  }
  const found = follow(scope, value, 0, given, byCall);
  if (!found) return computed(scope, value, hops, given, byCall) ?? value;
  const inner =
    found.value.kind === 'tuple' ? resolve(scope, found.value, hops + 1, given, byCall) : found.value;
  if (inner.kind === 'expression' || inner.kind === 'template') {
    // A local that holds a reference (`aws_s3_bucket.logs.id`): known as text, still not a literal.
    return { ...inner, span: value.span };
  }
  const origin =
    found.file !== undefined
      ? `${found.file} ${inner.text}`
      : found.variable !== undefined
        ? `default ${inner.text}`
        : inner.text;
  const resolved = relocate(inner, value, `${value.text.trim()} (${origin})`);
  if (found.variable !== undefined) {
    INPUTS.set(resolved, found.variable);
    if (resolved.kind === 'tuple') for (const item of resolved.items) INPUTS.set(item, found.variable);
  }
  return resolved;
}

/** What may be worth evaluating: a conditional, a comparison or a `concat` (see {@link computed}). */
const COMPUTED = /[?]|==|!=|&&|\|\||^\s*concat\s*\(/;

/**
 * The value of a conditional or a `concat` of the module's values and literals (`var.public ?
 * ["0.0.0.0/0"] : [var.vpc_cidr]`, whose condition is the variable's default or what a variable file
 * sets), undefined when a part of it stays unknown. A value made from a variable's default is one
 * (see {@link inputOf}).
 */
function computed(
  scope: ModuleScope,
  value: HclValue,
  hops: number,
  given: VariableFile | undefined,
  byCall: boolean,
): HclValue | undefined {
  if (value.kind !== 'expression' || !COMPUTED.test(value.text)) return undefined;
  let input: string | undefined;
  const v = evaluateLiteral(value, (reference) => {
    const r = resolve(
      scope,
      { kind: 'expression', span: value.span, text: reference },
      hops + 1,
      given,
      byCall,
    );
    if (r.kind === 'expression' || r.kind === 'template') return undefined;
    input ??= INPUTS.get(r);
    return r;
  });
  if (v && input !== undefined) {
    INPUTS.set(v, input);
    if (v.kind === 'tuple') for (const item of v.items) INPUTS.set(item, input);
  }
  return v;
}

/**
 * The value a reference stands for, through chains of locals; undefined when it is not one.
 * `variable`: the variable whose default it is, when it is one; `file`: the variable file that sets
 * it, when one does (the last of the folder's that sets it, as Terraform loads them).
 */
function follow(
  scope: ModuleScope,
  value: HclValue,
  hops: number,
  given?: VariableFile,
  byCall = false,
): { value: HclValue; variable?: string; file?: string } | undefined {
  if (value.kind !== 'expression' && value.kind !== 'template') return undefined;
  const m = REFERENCE.exec(value.text.trim());
  if (!m || hops >= MAX_HOPS) return undefined;
  const [, kind, name] = m as unknown as [string, 'var' | 'local', string];
  if (kind === 'var') {
    // A file that could not be read (null) may set it or not: the default stays what is judged
    // (valueCandidates counts the file as unknown).
    // A file given on the command line comes after the auto-loaded ones.
    // A call's arguments are what a called module is given; a file on the command line is not.
    const over = scope.called && !byCall ? undefined : given?.values?.get(name);
    if (over) return { value: over, file: path.posix.basename(given!.path) };
    const set = scope.called ? undefined : lastAssignment(scope, name);
    if (set) return { value: set.value, file: path.posix.basename(set.path) };
  }
  const target = (kind === 'var' ? scope.variables : scope.locals).get(name);
  if (!target) return undefined;
  const further = follow(scope, target, hops + 1, given, byCall);
  return further ?? (kind === 'var' ? { value: target, variable: name } : { value: target });
}

/**
 * What the last of the folder's variable files that sets `name` gives it; null when a file that
 * could not be read comes after (it may set it), undefined when none sets it.
 */
function lastAssignment(
  scope: ModuleScope,
  name: string,
): { value: HclValue; path: string } | null | undefined {
  for (let i = scope.assigned.length - 1; i >= 0; i--) {
    const file = scope.assigned[i]!;
    if (!file.values) return null;
    const set = file.values.get(name);
    if (set) return { value: set, path: file.path };
  }
  return undefined;
}

/** The resolved value at the reference's place: a list's items too, so each finding points there. */
function relocate(v: HclValue, at: HclValue, text: string): HclValue {
  if (v.kind === 'tuple') {
    const ref = at.text.trim();
    return { ...v, span: at.span, text, items: v.items.map((i) => relocate(i, at, `${ref} (${i.text})`)) };
  }
  return { ...v, span: at.span, text };
}

/** A body with every attribute value resolved, nested blocks included (for checks that read many). */
export function resolveBody(resolve: ValueResolver, file: TerraformFile, body: HclBody): HclBody {
  return {
    attributes: body.attributes.map((a) => ({ ...a, value: resolve(file, a.value) })),
    blocks: body.blocks.map((b) => ({ ...b, body: resolveBody(resolve, file, b.body) })),
  };
}
