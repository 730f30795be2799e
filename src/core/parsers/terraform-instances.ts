/**
 * The instances Terraform makes of a resource written over a literal collection: `for_each`, `count`
 * and `dynamic` blocks, each instance's body with the iteration's values written in. Only the few
 * expressions that index a literal collection are evaluated (see `evaluate`); anything computed is
 * left as written, so a rule reads it as unknown rather than as some guessed value.
 */
import type { TerraformFile, TerraformResource } from './terraform.js';
import type { HclBlock, HclBody, HclValue } from './terraform-syntax.js';
import type { ValueResolver } from './terraform-values.js';

/** An attribute of a body (terraform.ts's `attribute`, kept here: terraform-values.ts imports this module). */
const attribute = (body: HclBody, name: string) => body.attributes.find((a) => a.name === name);

/** Instances of a resource or dynamic block judged at most (a literal collection is short). */
const MAX_INSTANCES = 64;

/**
 * The values an iteration gives (`each.key`/`each.value`, `count.index`, a dynamic block's
 * `<name>.key`/`.value`), and the module's `var.`/`local.` values (as the resolver reads them).
 */
interface Scope {
  values: Map<string, HclValue>;
  ref: (reference: string) => HclValue | undefined;
}

/**
 * A resource once per instance Terraform makes of it, with what `for_each`/`count` and the
 * `dynamic` ingress blocks give each instance written in (`each.value`, `tonumber(each.value)`,
 * `var.ports[count.index]`, `ingress.value.port`): a security group whose rules are written over a
 * literal list, a local or a variable's default is judged rule by rule. A collection that cannot be
 * read leaves the resource as written (its ports are then unknown, and said so).
 */
export function resourceInstances(r: TerraformResource, resolver: ValueResolver): TerraformResource[] {
  const body = r.block.body;
  const dynamic = body.blocks.some((b) => b.type === 'dynamic');
  if (!attribute(body, 'for_each') && !attribute(body, 'count') && !dynamic) return [r];
  return blockInstances(r.file, r.block, resolver).map((i) => ({
    ...r,
    block: { ...r.block, body: i.body },
  }));
}

/** One instance of a block: its body with the iteration's values written in, and its key. */
export interface BlockInstance {
  /** `["ssh"]` or `[0]`, as Terraform's address names the instance; undefined for a block written once. */
  key?: string;
  body: HclBody;
}

/**
 * A resource or `module` block once per instance Terraform makes of it over a literal `for_each`
 * collection or `count` (see {@link resourceInstances}): `module "sg" { for_each = {ssh = 22}, port =
 * each.value }` calls the module once per entry, each with its own arguments. A collection that cannot
 * be read gives the block once, as written.
 */
export function blockInstances(
  file: TerraformFile,
  block: HclBlock,
  resolver: ValueResolver,
): BlockInstance[] {
  const body = block.body;
  const forEach = attribute(body, 'for_each');
  const count = attribute(body, 'count');
  const ref = (reference: string): HclValue | undefined => {
    const v = resolver(file, { kind: 'expression', span: block.typeSpan, text: reference });
    return v.kind === 'expression' || v.kind === 'template' ? undefined : v;
  };
  const at = (values: [string, HclValue][]): Scope => ({ values: new Map(values), ref });
  let scopes: { key?: string; scope: Scope }[] = [{ scope: at([]) }];
  const items = forEach ? collection(forEach.value, at([])) : undefined;
  if (items)
    scopes = items.map(([key, value]) => ({
      key: `[${key.kind === 'string' ? JSON.stringify(key.value) : key.text}]`,
      scope: at([
        ['each.key', key],
        ['each.value', value],
      ]),
    }));
  else if (count) {
    const n = countOf(count.value, at([]));
    if (n !== undefined)
      scopes = Array.from({ length: n }, (_, i) => ({
        key: `[${i}]`,
        scope: at([['count.index', numberValue(i, count.value)]]),
      }));
  }
  return scopes.map(({ key, scope }) => ({
    ...(key !== undefined ? { key } : {}),
    body: instantiate(body, scope),
  }));
}

/** A body with the iteration's values written in, each `dynamic` block expanded into its instances. */
function instantiate(body: HclBody, scope: Scope): HclBody {
  const blocks = body.blocks.flatMap((b) => {
    if (b.type !== 'dynamic' || !b.labels[0]) return [{ ...b, body: instantiate(b.body, scope) }];
    const content = b.body.blocks.find((c) => c.type === 'content');
    const forEach = attribute(b.body, 'for_each');
    const items = forEach ? collection(substitute(forEach.value, scope), scope) : undefined;
    if (!content || !items) return [{ ...b, body: instantiate(b.body, scope) }];
    const iterator = attribute(b.body, 'iterator')?.value.text.trim().replace(/^"|"$/g, '') || b.labels[0];
    return items.map(([key, value]) => {
      const values = new Map(scope.values).set(`${iterator}.key`, key).set(`${iterator}.value`, value);
      const inner = { values, ref: scope.ref };
      return { ...content, type: b.labels[0]!, body: instantiate(content.body, inner) };
    });
  });
  return {
    attributes: body.attributes.map((a) => ({ ...a, value: substitute(a.value, scope) })),
    blocks,
  };
}

/** A value with the iteration's references evaluated (kept as written when they cannot be). */
function substitute(value: HclValue, scope: Scope): HclValue {
  if (value.kind === 'tuple') return { ...value, items: value.items.map((i) => substitute(i, scope)) };
  if (scope.values.size === 0 || (value.kind !== 'expression' && value.kind !== 'template')) return value;
  const v = evaluate(value.text, scope, value);
  return v ? relocated(v, value) : value;
}

/** An evaluated value at the place of the expression it came from. */
function relocated(v: HclValue, at: HclValue): HclValue {
  const text = `${at.text.trim()} (${v.text.trim()})`;
  if (v.kind === 'tuple') return { ...v, span: at.span, text, items: v.items.map((i) => relocated(i, at)) };
  return { ...v, span: at.span, text };
}

/** The elements of a literal list, set or map (`toset([...])` too), as key and value; undefined when computed. */
function collection(value: HclValue, scope: Scope): [HclValue, HclValue][] | undefined {
  const v =
    value.kind === 'expression' || value.kind === 'template' ? evaluate(value.text, scope, value) : value;
  if (v?.kind === 'tuple') {
    const set = value.kind === 'expression' && /^\s*toset\s*\(/.test(value.text);
    return v.items.slice(0, MAX_INSTANCES).map((item, i) => [set ? item : numberValue(i, item), item]);
  }
  if (v?.kind === 'object') {
    return v.entries
      .slice(0, MAX_INSTANCES)
      .flatMap((e): [HclValue, HclValue][] =>
        e.key === undefined
          ? []
          : [[{ kind: 'string', value: e.key, span: e.keySpan, text: JSON.stringify(e.key) }, e.value]],
      );
  }
  return undefined;
}

/** `count = 2`, `count = length(<literal collection>)`; undefined when computed. */
function countOf(value: HclValue, scope: Scope): number | undefined {
  if (value.kind === 'number') return Math.min(Math.max(0, Math.floor(value.value)), MAX_INSTANCES);
  const m = value.kind === 'expression' ? /^\s*length\s*\(([\s\S]*)\)\s*$/.exec(value.text) : null;
  const items = m
    ? collection({ kind: 'expression', span: value.span, text: m[1]!.trim() }, scope)
    : undefined;
  return items?.length;
}

const numberValue = (n: number, at: HclValue): HclValue => ({
  kind: 'number',
  value: n,
  span: at.span,
  text: String(n),
});

/**
 * Evaluates the few expressions that index a literal collection by an iteration's values:
 * references (`each.value`, `ingress.value.port`, `count.index`), indexing (`[...]`, `.name`),
 * `tonumber`/`tostring`/`toset`/`tolist`, literal lists, strings and numbers, and `"${...}"`.
 * `local.`/`var.` references were resolved before; undefined for anything else.
 */
function evaluate(text: string, scope: Scope, at: HclValue, depth = 0): HclValue | undefined {
  if (depth > 8) return undefined;
  const t = text.trim();
  const again = (inner: string) => evaluate(inner, scope, at, depth + 1);
  const template = /^"\$\{([^{}]*)\}"$/.exec(t);
  if (template) return again(template[1]!);
  if (/^-?\d+$/.test(t)) return numberValue(Number(t), at);
  const quoted = /^"([^"\\$]*)"$/.exec(t);
  if (quoted) return { kind: 'string', value: quoted[1]!, span: at.span, text: t };
  if (t === 'true' || t === 'false') return { kind: 'bool', value: t === 'true', span: at.span, text: t };
  // `cond ? a : b` whose condition is known (a literal, a variable's value, `!` of one): the branch taken.
  const choice = conditional(t);
  if (choice) {
    const c = again(choice.condition);
    return c?.kind === 'bool' ? again(c.value ? choice.whenTrue : choice.whenFalse) : undefined;
  }
  // `a || b`, `a && b`, `a == b`, `a != b` of known values (loosest first, as Terraform binds them).
  for (const op of ['||', '&&', '==', '!='] as const) {
    const i = topLevelOperator(t, op);
    if (i < 0) continue;
    const [a, b] = [again(t.slice(0, i)), again(t.slice(i + 2))];
    if (!a || !b) return undefined;
    let value: boolean;
    if (op === '||' || op === '&&') {
      if (a.kind !== 'bool' || b.kind !== 'bool') return undefined;
      value = op === '||' ? a.value || b.value : a.value && b.value;
    } else {
      const scalar = (v: HclValue) =>
        v.kind === 'string' || v.kind === 'number' || v.kind === 'bool' ? `${v.kind}:${v.value}` : undefined;
      const [x, y] = [scalar(a), scalar(b)];
      if (x === undefined || y === undefined) return undefined;
      value = op === '==' ? x === y : x !== y;
    }
    return { kind: 'bool', value, span: at.span, text: t };
  }
  if (t.startsWith('!') && !t.startsWith('!=')) {
    const v = again(t.slice(1));
    return v?.kind === 'bool' ? { kind: 'bool', value: !v.value, span: at.span, text: t } : undefined;
  }
  const open = /^concat\s*\(/.exec(t);
  if (open && matching(t.slice(open[0].length - 1)) === t.length - open[0].length) {
    const lists = topLevel(t.slice(open[0].length, -1)).map(again);
    if (!lists.every((l) => l?.kind === 'tuple')) return undefined;
    const items = lists.flatMap((l) => (l?.kind === 'tuple' ? l.items : []));
    return { kind: 'tuple', items, span: at.span, text: t };
  }
  const call = /^(tonumber|tostring|toset|tolist)\s*\(([\s\S]*)\)$/.exec(t);
  if (call) {
    const v = again(call[2]!);
    if (!v) return undefined;
    if (call[1] === 'tonumber') {
      const n =
        v.kind === 'number'
          ? v.value
          : v.kind === 'string' && /^\d+$/.test(v.value)
            ? Number(v.value)
            : undefined;
      return n === undefined ? undefined : numberValue(n, at);
    }
    if (call[1] === 'tostring')
      return v.kind === 'number' || v.kind === 'string'
        ? { kind: 'string', value: String(v.value), span: at.span, text: t }
        : undefined;
    return v.kind === 'tuple' ? v : undefined;
  }
  if (t.startsWith('[') && t.endsWith(']')) {
    const items = topLevel(t.slice(1, -1)).map(again);
    return items.every((i) => i !== undefined)
      ? { kind: 'tuple', items: items as HclValue[], span: at.span, text: t }
      : undefined;
  }
  // A reference and its accessors: `each.value.port`, `ingress.value["cidr"]`, `[22, 3389][count.index]`.
  const root = /^(?:(?:var|local)\.[A-Za-z_][\w-]*|[A-Za-z_][\w-]*\.(?:key|value|index))/.exec(t);
  const name = root?.[0];
  let v: HclValue | undefined =
    name === undefined ? undefined : /^(?:var|local)\./.test(name) ? scope.ref(name) : scope.values.get(name);
  let rest = name === undefined ? '' : t.slice(name.length);
  while (v && rest.length > 0) {
    const dot = /^\.([A-Za-z_][\w-]*|\d+)/.exec(rest);
    let key: HclValue | undefined;
    if (dot) {
      key = /^\d+$/.test(dot[1]!)
        ? numberValue(Number(dot[1]), at)
        : { kind: 'string', value: dot[1]!, span: at.span, text: dot[1]! };
      rest = rest.slice(dot[0].length);
    } else if (rest.startsWith('[')) {
      const close = matching(rest);
      if (close < 0) return undefined;
      key = again(rest.slice(1, close));
      rest = rest.slice(close + 1);
    } else return undefined;
    v = key ? member(v, key) : undefined;
  }
  return v;
}

/**
 * The parts of a conditional expression written at the top level of `text` (`a ? b : c`, the
 * branches possibly conditionals themselves), or undefined when it is none.
 */
function conditional(text: string): { condition: string; whenTrue: string; whenFalse: string } | undefined {
  let depth = 0;
  let quoted = false;
  let question = -1;
  let nested = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '[' || c === '(' || c === '{') depth += 1;
    else if (c === ']' || c === ')' || c === '}') depth -= 1;
    else if (depth !== 0) continue;
    else if (c === '?') {
      if (question < 0) question = i;
      else nested += 1;
    } else if (c === ':' && question >= 0) {
      if (nested === 0)
        return {
          condition: text.slice(0, question),
          whenTrue: text.slice(question + 1, i),
          whenFalse: text.slice(i + 1),
        };
      nested -= 1;
    }
  }
  return undefined;
}

/** Where a binary operator is first written at the top level of `text` (outside brackets and strings); -1 if nowhere. */
function topLevelOperator(text: string, op: '||' | '&&' | '==' | '!='): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '[' || c === '(' || c === '{') depth += 1;
    else if (c === ']' || c === ')' || c === '}') depth -= 1;
    else if (depth === 0 && text.startsWith(op, i)) return i;
  }
  return -1;
}

/**
 * The literal value of an expression of literals and the module's values (`var.public ?
 * ["0.0.0.0/0"] : [var.vpc_cidr]` with `public` true, `concat(local.office, ["0.0.0.0/0"])`), where
 * `ref` gives what a `var.`/`local.` reference stands for; undefined when any part it needs is
 * computed. See {@link evaluate} for what is read.
 */
export function evaluateLiteral(
  value: HclValue,
  ref: (reference: string) => HclValue | undefined,
): HclValue | undefined {
  if (value.kind !== 'expression') return undefined;
  const v = evaluate(value.text, { values: new Map(), ref }, value);
  return v ? relocated(v, value) : undefined;
}

/** An element of a list (by number) or an object (by key). */
function member(v: HclValue, key: HclValue): HclValue | undefined {
  if (v.kind === 'tuple' && key.kind === 'number') return v.items[key.value];
  if (v.kind === 'object' && (key.kind === 'string' || key.kind === 'number'))
    return v.entries.find((e) => e.key === String(key.value))?.value;
  return undefined;
}

/** The index of the bracket that closes the one `text` starts with; -1 when there is none. */
function matching(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[' || text[i] === '(') depth += 1;
    else if ((text[i] === ']' || text[i] === ')') && --depth === 0) return i;
  }
  return -1;
}

/** A list's items: its text split at the commas outside brackets and strings. */
function topLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '[' || c === '(' || c === '{') depth += 1;
    else if (c === ']' || c === ')' || c === '}') depth -= 1;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  if (text.slice(from).trim() !== '') out.push(text.slice(from));
  return out.filter((i) => i.trim() !== '');
}
