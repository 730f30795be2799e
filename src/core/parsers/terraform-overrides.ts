import path from 'node:path';
import type { TerraformFile } from './terraform.js';
import type { HclAttribute, HclBlock, HclBody, HclSpan, HclValue } from './terraform-syntax.js';

/**
 * Terraform's override files (`override.tf`, `*_override.tf`, and their `.tf.json`, `.tofu` and
 * `.tofu.json` forms): Terraform loads the other files of a module first, then merges each top-level
 * block of the override files, in lexical order of their names, into the block of the same header
 * (type and labels; a provider's `alias` too) of those files. What the rules judge is the merged
 * block, so a `*_override.tf` that sets only `cidr_blocks = ["0.0.0.0/0"]` in an ingress rule opens
 * the rule the other file declares.
 *
 * The merge follows Terraform's rules: an attribute of the override replaces the original's; the
 * nested blocks of a type the override has replace all the original's blocks of that type (their
 * contents are not merged; a `dynamic "ingress"` block is of the type `ingress`), except `lifecycle`
 * (a resource's) and `required_providers` (a `terraform` block's), merged attribute by attribute; a
 * `backend`, `cloud` or `state_store` block in an override replaces any of them in the original (as
 * Terraform's code does, whatever its documentation says of a `cloud` block over a `backend`).
 * `locals` merge value by value, whichever block holds the value. The values an override gives keep
 * the override file as theirs (`HclSpan.file`): a finding at one points there.
 *
 * An override block without an original is an error to Terraform; it is kept as a block of the
 * override file, judged as written. So is a `terraform` block of a module whose other files have
 * none. A block whose header two files of the module declare (`x.tf` beside its OpenTofu twin
 * `x.tofu`, which one tool reads and the other ignores) takes the override in both.
 */

/** The name of an override file. */
const OVERRIDE_NAME = /^(?:.*_)?override\.(?:tf|tofu)(?:\.json)?$/;

export function isOverrideFile(file: string): boolean {
  return OVERRIDE_NAME.test(path.posix.basename(file));
}

/** The nested blocks of a `terraform` block that say where the state is kept. */
const STATE_STORAGE = ['backend', 'cloud', 'state_store'];

/** Nested block types merged attribute by attribute, by the type of the top-level block. */
const MERGED_NESTED: Record<string, string> = {
  resource: 'lifecycle',
  data: 'lifecycle',
  terraform: 'required_providers',
};

/**
 * The files with each module's override files merged into its other files' blocks: a file a block
 * of which an override changed is a new object (with `overriddenBy`), an override file keeps only
 * the blocks it had nothing to merge into. Files without override files are returned as they are.
 */
export function applyOverrides(files: readonly TerraformFile[]): TerraformFile[] {
  const overrides = files.filter((f) => isOverrideFile(f.path));
  if (overrides.length === 0) return [...files];
  const replaced = new Map<TerraformFile, TerraformFile>();
  for (const module of new Set(overrides.map((f) => f.module))) {
    const primaries = files
      .filter((f) => f.module === module && !isOverrideFile(f.path))
      .map((file) => ({ file, blocks: [...file.body.blocks], by: new Set<string>() }));
    const ordered = overrides
      .filter((f) => f.module === module)
      .sort((a, b) => compareNames(path.posix.basename(a.path), path.posix.basename(b.path)));
    for (const override of ordered) {
      const left: HclBlock[] = [];
      for (const written of override.body.blocks) {
        const block = fromFile(written, override.path);
        if (block.type === 'locals') {
          const unmatched = block.body.attributes.filter((a) => !overrideLocal(primaries, a, override.path));
          if (unmatched.length > 0) left.push({ ...block, body: { attributes: unmatched, blocks: [] } });
          continue;
        }
        const key = header(block);
        let merged = false;
        for (const primary of primaries) {
          primary.blocks.forEach((original, i) => {
            if (header(original) !== key) return;
            primary.blocks[i] = mergeBlock(original, block, MERGED_NESTED[block.type]);
            primary.by.add(override.path);
            merged = true;
          });
        }
        if (!merged) left.push(block);
      }
      replaced.set(override, { ...override, body: { attributes: override.body.attributes, blocks: left } });
    }
    for (const { file, blocks, by } of primaries) {
      if (by.size === 0) continue;
      replaced.set(file, {
        ...file,
        body: { attributes: file.body.attributes, blocks },
        overriddenBy: [...(file.overriddenBy ?? []), ...by],
      });
    }
  }
  return files.map((f) => replaced.get(f) ?? f);
}

/** Byte-wise order of names, as Go sorts them (Terraform's order of override files). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A block's header: its type and labels, and for a provider its `alias` (its address). */
function header(block: HclBlock): string {
  const parts = [block.type, ...block.labels];
  if (block.type === 'provider') {
    const alias = block.body.attributes.find((a) => a.name === 'alias')?.value;
    parts.push(alias?.kind === 'string' ? alias.value : '');
  }
  return JSON.stringify(parts);
}

/**
 * Sets a local value an override file gives in the `locals` block of the module's files that has it;
 * false when none has it.
 */
function overrideLocal(
  primaries: { blocks: HclBlock[]; by: Set<string> }[],
  attr: HclAttribute,
  from: string,
): boolean {
  for (const primary of primaries) {
    for (let i = 0; i < primary.blocks.length; i++) {
      const block = primary.blocks[i]!;
      if (block.type !== 'locals' || !block.body.attributes.some((a) => a.name === attr.name)) continue;
      primary.blocks[i] = {
        ...block,
        body: {
          attributes: block.body.attributes.map((a) => (a.name === attr.name ? attr : a)),
          blocks: block.body.blocks,
        },
      };
      primary.by.add(from);
      return true;
    }
  }
  return false;
}

/**
 * An original block with an override merged in (see the module's comment); `merged`: the nested block
 * type whose contents are merged attribute by attribute instead of replaced.
 */
function mergeBlock(original: HclBlock, override: HclBlock, merged?: string): HclBlock {
  return { ...original, body: mergeBody(original.body, override.body, original.type, merged) };
}

function mergeBody(original: HclBody, override: HclBody, type: string, merged?: string): HclBody {
  const names = new Map(override.attributes.map((a) => [a.name, a]));
  const attributes = original.attributes.map((a) => names.get(a.name) ?? a);
  for (const a of override.attributes)
    if (!original.attributes.some((o) => o.name === a.name)) attributes.push(a);
  const replacedTypes = new Set(override.blocks.map(blockType));
  // Where the state is kept is one setting: a backend, cloud or state_store block replaces the others.
  if (type === 'terraform' && STATE_STORAGE.some((t) => replacedTypes.has(t)))
    for (const t of STATE_STORAGE) replacedTypes.add(t);
  const blocks = original.blocks.filter((b) => !replacedTypes.has(blockType(b)));
  for (const b of override.blocks) {
    const base = b.type === merged ? original.blocks.find((o) => o.type === merged) : undefined;
    blocks.push(base ? { ...base, body: mergeBody(base.body, b.body, merged!) } : b);
  }
  return { attributes, blocks };
}

/** The type of blocks a nested block makes: a `dynamic "ingress"` makes `ingress` blocks. */
function blockType(block: HclBlock): string {
  return block.type === 'dynamic' && block.labels.length > 0 ? block.labels[0]! : block.type;
}

/** A block of an override file, each of its spans saying so (a finding at it lies in that file). */
function fromFile(block: HclBlock, file: string): HclBlock {
  return {
    ...block,
    typeSpan: at(block.typeSpan, file),
    span: at(block.span, file),
    body: bodyFrom(block.body, file),
  };
}

function bodyFrom(body: HclBody, file: string): HclBody {
  return {
    attributes: body.attributes.map((a) => ({
      ...a,
      nameSpan: at(a.nameSpan, file),
      span: at(a.span, file),
      value: valueFrom(a.value, file),
    })),
    blocks: body.blocks.map((b) => fromFile(b, file)),
  };
}

function valueFrom(value: HclValue, file: string): HclValue {
  const span = at(value.span, file);
  if (value.kind === 'tuple') return { ...value, span, items: value.items.map((i) => valueFrom(i, file)) };
  if (value.kind === 'object') {
    return {
      ...value,
      span,
      entries: value.entries.map((e) => ({
        ...e,
        keySpan: at(e.keySpan, file),
        value: valueFrom(e.value, file),
      })),
    };
  }
  return { ...value, span };
}

function at(span: HclSpan, file: string): HclSpan {
  return { ...span, file };
}
