import {
  attribute,
  describeResource,
  type HclBody,
  type HclValue,
  literal,
  nestedBlocks,
  type TerraformResource,
  terraformFiles,
  terraformResources,
} from '../../parsers/terraform.js';
import { inputDecider } from '../../parsers/terraform-modules.js';
import { describeModuleCall, type RegistryModuleCall } from '../../parsers/terraform-registry.js';
import {
  resolveBody,
  type ValueResolver,
  valueResolver,
  valueVariants,
} from '../../parsers/terraform-values.js';
import type { RawFinding } from '../../types.js';
import type { NodeSpan } from '../../workspace/yaml.js';
import { defineEvaluator } from '../types.js';
import { localEmulator, onEmulator } from './emulator.js';
import { moduleIngress, securityGroupCalls } from './security-group-module.js';
import { atInputDefault, examineSubjects, givenOnCommandLine, spanLocation } from './shared.js';

interface Options {
  /** Ports that must not be reachable from anywhere. */
  ports: number[];
}

type PortRange = [number, number];

/** One ingress rule, normalised across providers: its literal sources and the TCP ports it opens. */
interface Ingress {
  resource: TerraformResource;
  sources: { value: string; span: NodeSpan; node: HclValue }[];
  /** `all` for every port; undefined when the ports are computed (reported as such when open to all). */
  ports: PortRange[] | 'all' | undefined;
}

const PORT_NAMES: Record<number, string> = {
  22: 'SSH',
  23: 'Telnet',
  1433: 'SQL Server',
  3306: 'MySQL',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5985: 'WinRM',
  5986: 'WinRM',
  6379: 'Redis',
  9200: 'Elasticsearch',
  27017: 'MongoDB',
};

const AWS_GROUPS = ['aws_security_group', 'aws_default_security_group'];
const RESOURCE_TYPES = [
  ...AWS_GROUPS,
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'google_compute_firewall',
  'azurerm_network_security_rule',
  'azurerm_network_security_group',
  'hcloud_firewall',
];

/**
 * Flags firewall rules that open administrative or database ports to every address (`0.0.0.0/0`,
 * `::/0`, Azure's `*`/`Internet`): AWS security groups (inline `ingress`, `aws_security_group_rule`,
 * `aws_vpc_security_group_ingress_rule`), GCP `google_compute_firewall`, Azure network security
 * rules and Hetzner Cloud `hcloud_firewall` rules. Each open source is reported at its value (where a local or a variable's default is used,
 * at the use; with low confidence when it is the default of a reusable module's input, which its
 * callers set). Rules written over a literal collection (`dynamic` blocks, `for_each`, `count`) are
 * judged per element (see instances); ports that still cannot be read, on a rule open to every
 * address, are reported with low confidence. A set of blocks covering every address is every
 * address (see worldSources). A source from a variable is judged with
 * every value a run may give it too (a `-var-file` a deploy job names, another `*.tfvars` of the
 * folder: see valueVariants), and the message names the file. The rules that calls of the registry
 * module `terraform-aws-modules/security-group/aws` and its service submodules create are judged the
 * same way, from the inputs the call writes (see security-group-module.ts).
 */
export const terraformOpenIngress = defineEvaluator<Options>({
  kind: 'terraform.open-ingress',
  summary:
    'Terraform firewall rules (AWS security groups, GCP firewalls, Azure NSG rules, Hetzner Cloud firewalls) that open administrative ' +
    'or database ports to 0.0.0.0/0 or ::/0.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ports: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { type: 'integer', minimum: 0, maximum: 65535 },
        default: [22, 3389, 3306, 5432, 1433, 27017, 6379],
        description: 'Ports that must not be reachable from anywhere.',
      },
    },
  },
  async evaluate({ options, workspace }) {
    const files = await terraformFiles(workspace);
    const findings: RawFinding[] = [];
    const resources = terraformResources(files, RESOURCE_TYPES);
    const calls = securityGroupCalls(files);
    examineSubjects(workspace, [...resources, ...calls.map((c) => c.file)]);
    const resolve = valueResolver(files);
    const variants = valueVariants(files);
    const emulated = localEmulator(files);
    const callersDecide = inputDecider(files, workspace);
    const judge = (declared: TerraformResource, resolver: ValueResolver): RawFinding[] => {
      const out: RawFinding[] = [];
      // Sources and ports given by a local or a variable's default are judged as if written here.
      const body = resolveBody(resolver, declared.file, declared.block.body);
      const resource = { ...declared, block: { ...declared.block, body } };
      for (const rule of instances(resource, resolver).flatMap(ingressRules)) {
        const azure = resource.type.startsWith('azurerm_');
        const world = worldSources(rule.sources, azure);
        if (world.length === 0) continue;
        const exposed = exposedPorts(rule.ports, options.ports);
        // Nothing is skipped silently: the world let in on ports that could not be read is said so.
        if (rule.ports === undefined) {
          for (const source of world) {
            out.push({
              message:
                `${describeResource(resource)} allows ingress from ${source.value} on ports that could not be read ` +
                '(they are computed): administrative and database services should only be reachable from known ' +
                'networks; check which ports it opens.',
              location: spanLocation(resource.file.path, source.span),
              key: `${resource.type}.${resource.name}:${source.value}:computed`,
              confidence: 'low',
            });
          }
          continue;
        }
        if (exposed.length === 0) continue;
        for (const source of world) {
          const finding = {
            message:
              `${describeResource(resource)} allows ingress from ${source.value} to ${describePorts(rule.ports, exposed)}: ` +
              'administrative and database services should only be reachable from known networks.',
            location: spanLocation(resource.file.path, source.span),
            key: `${resource.type}.${resource.name}:${source.value}:${exposed.join(',')}`,
          };
          // A source that is a reusable module's input default is only that default.
          out.push(
            onEmulator(
              emulated(declared),
              atInputDefault(finding, declared.file, source.node, callersDecide),
            ),
          );
        }
      }
      return out;
    };
    // The rules a call of the registry's security group module creates (see security-group-module.ts).
    const judgeCall = (call: RegistryModuleCall, resolver: ValueResolver): RawFinding[] => {
      const out: RawFinding[] = [];
      for (const rule of moduleIngress(call, resolver)) {
        const exposed = exposedPorts(rule.ports, options.ports);
        if (exposed.length === 0) continue;
        for (const source of worldSources(rule.sources, false)) {
          const finding = {
            message:
              `${describeModuleCall(call)} allows ingress from ${source.value} to ${describePorts(rule.ports, exposed)}: ` +
              'administrative and database services should only be reachable from known networks.',
            location: spanLocation(call.file.path, source.span),
            key: `module.${call.name}:${source.value}:${exposed.join(',')}`,
          };
          out.push(atInputDefault(finding, call.file, source.node, callersDecide));
        }
      }
      return out;
    };
    const subjects: { file: { module: string }; judge: (r: ValueResolver) => RawFinding[] }[] = [
      ...resources.map((r) => ({ file: r.file, judge: (v: ValueResolver) => judge(r, v) })),
      ...calls.map((c) => ({ file: c.file, judge: (v: ValueResolver) => judgeCall(c, v) })),
    ];
    for (const subject of subjects) {
      const found = subject.judge(resolve);
      findings.push(...found);
      // What a run may be given on the command line: a finding no other value gives, naming the file.
      const keys = new Set(found.map((f) => f.key));
      for (const variant of variants) {
        if (!variant.modules.has(subject.file.module)) continue;
        for (const f of subject.judge(variant.resolve)) {
          if (keys.has(f.key)) continue;
          keys.add(f.key);
          findings.push(givenOnCommandLine(f, variant.source));
        }
      }
    }
    return findings;
  },
});

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
 * The resource once per instance Terraform makes of it, with what `for_each`/`count` and the
 * `dynamic` ingress blocks give each instance written in (`each.value`, `tonumber(each.value)`,
 * `var.ports[count.index]`, `ingress.value.port`): a security group whose rules are written over a
 * literal list, a local or a variable's default is judged rule by rule. A collection that cannot be
 * read leaves the resource as written (its ports are then unknown, and said so).
 */
function instances(r: TerraformResource, resolver: ValueResolver): TerraformResource[] {
  const body = r.block.body;
  const forEach = attribute(body, 'for_each');
  const count = attribute(body, 'count');
  const dynamic = body.blocks.some((b) => b.type === 'dynamic');
  if (!forEach && !count && !dynamic) return [r];
  const ref = (reference: string): HclValue | undefined => {
    const v = resolver(r.file, { kind: 'expression', span: r.block.typeSpan, text: reference });
    return v.kind === 'expression' || v.kind === 'template' ? undefined : v;
  };
  const at = (values: [string, HclValue][]): Scope => ({ values: new Map(values), ref });
  let scopes: Scope[] = [at([])];
  const items = forEach ? collection(forEach.value, at([])) : undefined;
  if (items)
    scopes = items.map(([key, value]) =>
      at([
        ['each.key', key],
        ['each.value', value],
      ]),
    );
  else if (count) {
    const n = countOf(count.value, at([]));
    if (n !== undefined)
      scopes = Array.from({ length: n }, (_, i) => at([['count.index', numberValue(i, count.value)]]));
  }
  return scopes.map((scope) => ({ ...r, block: { ...r.block, body: instantiate(body, scope) } }));
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

function ingressRules(r: TerraformResource): Ingress[] {
  const body = r.block.body;
  switch (r.type) {
    case 'aws_security_group':
    case 'aws_default_security_group':
      return nestedBlocks(body, 'ingress').map((b) => awsRule(r, b.body, 'protocol'));
    case 'aws_security_group_rule':
      return str(body, 'type')?.toLowerCase() === 'ingress' ? [awsRule(r, body, 'protocol')] : [];
    case 'aws_vpc_security_group_ingress_rule':
      return [awsRule(r, body, 'ip_protocol')];
    case 'google_compute_firewall':
      return gcpRule(r, body);
    case 'azurerm_network_security_rule':
      return azureRule(r, body);
    case 'azurerm_network_security_group':
      return nestedBlocks(body, 'security_rule').flatMap((b) => azureRule(r, b.body));
    case 'hcloud_firewall':
      return nestedBlocks(body, 'rule').flatMap((b) => hcloudRule(r, b.body));
    default:
      return [];
  }
}

function awsRule(resource: TerraformResource, body: HclBody, protocolName: string): Ingress {
  const sources = ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6'].flatMap((n) =>
    strings(body, n),
  );
  const protocol = attribute(body, protocolName);
  const p = protocol ? literal(protocol.value) : 'tcp';
  const proto = p === undefined || p === null ? 'tcp' : String(p).toLowerCase();
  if (proto === '-1' || proto === 'all') return { resource, sources, ports: 'all' };
  if (proto !== 'tcp' && proto !== '6') return { resource, sources, ports: [] };
  const from = num(body, 'from_port');
  const to = num(body, 'to_port');
  return { resource, sources, ports: from === undefined || to === undefined ? undefined : [[from, to]] };
}

function gcpRule(resource: TerraformResource, body: HclBody): Ingress[] {
  const direction = str(body, 'direction')?.toUpperCase() ?? 'INGRESS';
  if (direction !== 'INGRESS' || literalOf(body, 'disabled') === true) return [];
  const sources = strings(body, 'source_ranges');
  return nestedBlocks(body, 'allow').map(({ body: allow }): Ingress => {
    const proto = str(allow, 'protocol')?.toLowerCase();
    if (proto !== 'tcp' && proto !== 'all' && proto !== '6') return { resource, sources, ports: [] };
    const ports = attribute(allow, 'ports');
    if (!ports) return { resource, sources, ports: 'all' };
    return { resource, sources, ports: rangesOf(ports.value) };
  });
}

function azureRule(resource: TerraformResource, body: HclBody): Ingress[] {
  if (str(body, 'direction')?.toLowerCase() !== 'inbound' || str(body, 'access')?.toLowerCase() !== 'allow') {
    return [];
  }
  const proto = str(body, 'protocol')?.toLowerCase();
  if (proto !== 'tcp' && proto !== '*') return [];
  const sources = [...strings(body, 'source_address_prefix'), ...strings(body, 'source_address_prefixes')];
  const single = attribute(body, 'destination_port_range');
  const list = attribute(body, 'destination_port_ranges');
  const ranges = [single, list].flatMap((a) => (a ? [rangesOf(a.value)] : []));
  if (ranges.includes('all')) return [{ resource, sources, ports: 'all' }];
  if (ranges.length === 0 || ranges.some((r) => r === undefined))
    return [{ resource, sources, ports: undefined }];
  return [{ resource, sources, ports: (ranges as PortRange[][]).flat() }];
}

/**
 * A Hetzner Cloud firewall rule: `direction = "in"`, its `source_ips`, and for TCP its `port` (`"22"`,
 * a range `"80-85"`, or `"any"` for every port). Rules are allowances only.
 */
function hcloudRule(resource: TerraformResource, body: HclBody): Ingress[] {
  if (str(body, 'direction')?.toLowerCase() !== 'in' || str(body, 'protocol')?.toLowerCase() !== 'tcp')
    return [];
  const sources = strings(body, 'source_ips');
  const port = attribute(body, 'port');
  if (!port) return [{ resource, sources, ports: undefined }];
  const text = literal(port.value);
  if (typeof text === 'string' && text.trim().toLowerCase() === 'any')
    return [{ resource, sources, ports: 'all' }];
  return [{ resource, sources, ports: rangesOf(port.value) }];
}

/** Port ranges from `"22"`, `"1000-2000"`, `"*"`, `22` or a list of those; undefined when computed. */
function rangesOf(value: HclValue): PortRange[] | 'all' | undefined {
  const items = value.kind === 'tuple' ? value.items : [value];
  const out: PortRange[] = [];
  for (const item of items) {
    const v = literal(item);
    if (v === undefined || v === null) return undefined;
    const text = String(v).trim();
    if (text === '*') return 'all';
    const m = /^(\d+)(?:-(\d+))?$/.exec(text);
    if (!m) return undefined;
    out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

function exposedPorts(ports: Ingress['ports'], watched: number[]): number[] {
  if (ports === undefined) return [];
  const hit =
    ports === 'all' ? [...watched] : watched.filter((p) => ports.some(([from, to]) => from <= p && p <= to));
  return hit.sort((a, b) => a - b);
}

function describePorts(ports: Ingress['ports'], exposed: number[]): string {
  const named = exposed.map((p) => (PORT_NAMES[p] ? `${p} (${PORT_NAMES[p]})` : String(p))).join(', ');
  if (ports === 'all') return `all ports, including ${named}`;
  return exposed.length === 1 ? `port ${named}` : `ports ${named}`;
}

/** Any IPv4 or IPv6 prefix of length 0 is every address; Azure also names it `*`, `Internet`, `Any`. */
function isAnywhere(source: string, azure: boolean): boolean {
  const s = source.trim();
  if (/\/0$/.test(s)) return true;
  return azure && ['*', 'internet', 'any'].includes(s.toLowerCase());
}

/**
 * The sources of a rule that let in every address: each that is anywhere by itself, and, when the
 * rule's prefixes of one address family together cover the whole space (`0.0.0.0/1` and
 * `128.0.0.0/1`, or any set whose union is every address), each of those.
 */
function worldSources<S extends { value: string }>(sources: S[], azure: boolean): S[] {
  // Half of every address (a /1) is the internet to a scanner too.
  const alone = sources.filter((s) => isAnywhere(s.value, azure) || (prefixOf(s.value)?.length ?? 2) <= 1);
  const together = (['v4', 'v6'] as const).flatMap((family) => {
    const parts = sources.flatMap((s) => {
      const p = prefixOf(s.value);
      return p && p.family === family && !isAnywhere(s.value, azure) ? [{ source: s, ...p }] : [];
    });
    return parts.length > 1 && covers(parts, family === 'v4' ? 32 : 128) ? parts.map((p) => p.source) : [];
  });
  return together.length === 0 ? alone : sources.filter((s) => alone.includes(s) || together.includes(s));
}

/** An IPv4 or IPv6 CIDR block as its network bits; undefined for anything else. */
function prefixOf(text: string): { family: 'v4' | 'v6'; bits: bigint; length: number } | undefined {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const length = Number(m[2]);
  const address = m[1]!;
  if (address.includes(':')) {
    if (length > 128) return undefined;
    const halves = address.split('::');
    if (halves.length > 2) return undefined;
    const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
    const missing = 8 - groups.flat().length;
    if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
    const all =
      halves.length === 2 ? [...groups[0]!, ...Array(missing).fill('0'), ...groups[1]!] : groups[0]!;
    if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    const bits = all.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
    return { family: 'v6', bits, length };
  }
  const octets = address.split('.');
  if (octets.length !== 4 || length > 32 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) < 256))
    return undefined;
  return { family: 'v4', bits: octets.reduce((n, o) => (n << 8n) | BigInt(o), 0n), length };
}

/** Whether prefixes of one family (`width` bits) together cover every address. */
function covers(prefixes: { bits: bigint; length: number }[], width: number): boolean {
  const ranges = prefixes
    .map(({ bits, length }) => {
      const size = 1n << BigInt(width - length);
      const start = (bits / size) * size;
      return [start, start + size] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let reached = 0n;
  for (const [start, end] of ranges) {
    if (start > reached) return false;
    if (end > reached) reached = end;
  }
  return reached === 1n << BigInt(width);
}

function literalOf(body: HclBody, name: string) {
  const a = attribute(body, name);
  return a ? literal(a.value) : undefined;
}

function str(body: HclBody, name: string): string | undefined {
  const v = literalOf(body, name);
  return typeof v === 'string' ? v : undefined;
}

function num(body: HclBody, name: string): number | undefined {
  const v = literalOf(body, name);
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  return n;
}

/** Literal strings of an attribute that is a string or a list of strings, each with its span and node. */
function strings(body: HclBody, name: string): { value: string; span: NodeSpan; node: HclValue }[] {
  const a = attribute(body, name);
  if (!a) return [];
  const items = a.value.kind === 'tuple' ? a.value.items : [a.value];
  return items.flatMap((i) => (i.kind === 'string' ? [{ value: i.value, span: i.span, node: i }] : []));
}
