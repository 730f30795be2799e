import type { TerraformFile } from './terraform.js';
import type { HclBody, HclValue } from './terraform-syntax.js';

/**
 * What a reference to a module's own values stands for: `local.<name>` is the value its `locals`
 * block assigns, and `var.<name>` is its `default` (what Terraform uses when nothing sets the
 * variable). Checks judge `storage_encrypted = var.encrypted` with `default = false` as they judge
 * `storage_encrypted = false`.
 *
 * Only a whole value that is one such reference is replaced (`var.x`, `"${var.x}"`, and the items
 * of a list); anything computed from it (`var.x ? 1 : 0`, `"${var.x}-a"`) stays unknown. A variable
 * without a default is still unknown where it is used. Variables set by `.tfvars` files, the command
 * line or a module's callers are not seen, so a default reads as what it is: the value of every use
 * that does not set it. Where the callers of a reusable module set it, that is only a default
 * ({@link inputOf} tells a value made from one; terraform-modules.ts, whether its callers decide).
 */

/** A reference to a module's variable or local, written bare or as the only interpolation. */
const REFERENCE = /^(?:"\$\{\s*)?(var|local)\.([A-Za-z_][\w-]*)(?:\s*\}")?$/;
/** Locals may name other locals; a cycle (an error to Terraform) or a long chain stays unknown. */
const MAX_HOPS = 8;

interface ModuleScope {
  variables: Map<string, HclValue>;
  locals: Map<string, HclValue>;
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
  const scopes = new Map<string, ModuleScope>();
  for (const file of files) {
    let scope = scopes.get(file.module);
    if (!scope) {
      scope = { variables: new Map(), locals: new Map() };
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

function resolve(scope: ModuleScope | undefined, value: HclValue, hops: number): HclValue {
  if (!scope || hops >= MAX_HOPS) return value;
  if (value.kind === 'tuple') {
    const items = value.items.map((i) => resolve(scope, i, hops));
    return items.every((i, n) => i === value.items[n]) ? value : { ...value, items };
  }
  const found = follow(scope, value, 0);
  if (!found) return value;
  const inner = found.value.kind === 'tuple' ? resolve(scope, found.value, hops + 1) : found.value;
  if (inner.kind === 'expression' || inner.kind === 'template') {
    // A local that holds a reference (`aws_s3_bucket.logs.id`): known as text, still not a literal.
    return { ...inner, span: value.span };
  }
  const origin = found.variable !== undefined ? `default ${inner.text}` : inner.text;
  const resolved = relocate(inner, value, `${value.text.trim()} (${origin})`);
  if (found.variable !== undefined) {
    INPUTS.set(resolved, found.variable);
    if (resolved.kind === 'tuple') for (const item of resolved.items) INPUTS.set(item, found.variable);
  }
  return resolved;
}

/**
 * The value a reference stands for, through chains of locals; undefined when it is not one.
 * `variable`: the variable whose default it is, when it is one.
 */
function follow(
  scope: ModuleScope,
  value: HclValue,
  hops: number,
): { value: HclValue; variable?: string } | undefined {
  if (value.kind !== 'expression' && value.kind !== 'template') return undefined;
  const m = REFERENCE.exec(value.text.trim());
  if (!m || hops >= MAX_HOPS) return undefined;
  const [, kind, name] = m as unknown as [string, 'var' | 'local', string];
  const target = (kind === 'var' ? scope.variables : scope.locals).get(name);
  if (!target) return undefined;
  const further = follow(scope, target, hops + 1);
  return further ?? (kind === 'var' ? { value: target, variable: name } : { value: target });
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
