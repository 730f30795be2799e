import { readFileSync } from 'node:fs';
import { attribute, type HclValue, literal, type TerraformFile } from '../../parsers/terraform.js';
import { type RegistryModuleCall, registryModuleCalls } from '../../parsers/terraform-registry.js';
import type { ValueResolver } from '../../parsers/terraform-values.js';
import { resolveBody } from '../../parsers/terraform-values.js';
import { packagePath } from '../../paths.js';
import { type LiteralItem, literalStrings } from './shared.js';

/**
 * The ingress rules that calls of the registry module `terraform-aws-modules/security-group/aws` (and
 * of its `//modules/<service>` submodules) create, as far as their inputs say, in the terms of
 * open-ingress.ts. The module's named rules (`ingress_rules = ["ssh-tcp"]`, `rule = "ssh-tcp"` in
 * `ingress_with_cidr_blocks`) and the rules each submodule adds by itself are read from
 * data/terraform-aws-security-group.json: only names whose ports are the same in every release.
 *
 * Sources are only those a call writes (the module's default CIDR lists changed in v1.1.0): the
 * items of `ingress_cidr_blocks` and `ingress_ipv6_cidr_blocks`, which the named rules use, and the
 * comma-separated `cidr_blocks` (`ipv6_cidr_blocks`) of an `ingress_with_cidr_blocks`
 * (`ingress_with_ipv6_cidr_blocks`) item, which falls back on the former. A call that replaces the
 * module's table (`rules`) or a submodule's own rules (`auto_ingress_rules`, unless as a literal
 * list) leaves those names unknown, as are computed values.
 */

const MODULE = 'terraform-aws-modules/security-group/aws';

type PortRange = [number, number];

/** One rule a call creates: its literal sources and the TCP ports it opens (`all`; undefined: unknown). */
export interface ModuleIngress {
  call: RegistryModuleCall;
  sources: LiteralItem[];
  ports: PortRange[] | 'all' | undefined;
}

interface Table {
  rules: Record<string, PortRange | 'all'>;
  submodules: Record<string, PortRange[]>;
}

let table: Table | undefined;

function known(): Table {
  table ??= JSON.parse(
    readFileSync(packagePath('data', 'terraform-aws-security-group.json'), 'utf8'),
  ) as Table;
  return table;
}

/** The addresses this reads: the module and each of its submodules. */
function addresses(): string[] {
  return [MODULE, ...Object.keys(known().submodules).map((s) => `${MODULE}//modules/${s}`)];
}

/** The calls of the module in the files, for the rules that judge them and what they examined. */
export function securityGroupCalls(files: readonly TerraformFile[]): RegistryModuleCall[] {
  // The table is read only for a configuration that calls modules at all.
  if (!files.some((f) => f.body.blocks.some((b) => b.type === 'module'))) return [];
  return registryModuleCalls(files, addresses());
}

/** The ingress rules a call creates (see the module's comment), its values resolved by `resolver`. */
export function moduleIngress(call: RegistryModuleCall, resolver: ValueResolver): ModuleIngress[] {
  const { rules, submodules } = known();
  const body = resolveBody(resolver, call.file, call.block.body);
  const v4 = literalStrings(body, 'ingress_cidr_blocks');
  const v6 = literalStrings(body, 'ingress_ipv6_cidr_blocks');
  // A call that replaces the table of named rules: what a name opens is its own.
  const named = attribute(body, 'rules') === undefined;
  const byName = (name: unknown): PortRange[] | 'all' | undefined => {
    const ports = named && typeof name === 'string' ? rules[name] : undefined;
    return ports === undefined || ports === 'all' ? ports : [ports];
  };
  const out: ModuleIngress[] = [];
  const names = attribute(body, 'ingress_rules')?.value;
  for (const item of names?.kind === 'tuple' ? names.items : []) {
    const ports = byName(literal(item));
    if (ports !== undefined) out.push({ call, sources: [...v4, ...v6], ports });
  }
  const submodule = call.address.split('//modules/')[1];
  if (submodule !== undefined) {
    const auto = attribute(body, 'auto_ingress_rules')?.value;
    if (auto === undefined) out.push({ call, sources: [...v4, ...v6], ports: submodules[submodule] ?? [] });
    else if (auto.kind === 'tuple') {
      for (const item of auto.items) {
        const ports = byName(literal(item));
        if (ports !== undefined) out.push({ call, sources: [...v4, ...v6], ports });
      }
    }
  }
  for (const [list, key, fallback] of [
    ['ingress_with_cidr_blocks', 'cidr_blocks', v4],
    ['ingress_with_ipv6_cidr_blocks', 'ipv6_cidr_blocks', v6],
  ] as const) {
    const value = attribute(body, list)?.value;
    for (const item of value?.kind === 'tuple' ? value.items : []) {
      if (item.kind !== 'object') continue;
      const entry = (name: string) => item.entries.find((e) => e.key === name)?.value;
      const written = entry(key);
      let sources = fallback;
      if (written !== undefined) {
        const text = literal(written);
        sources =
          typeof text === 'string'
            ? text
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '')
                .map((s) => ({ value: s, span: written.span, node: written }))
            : [];
      }
      out.push({ call, sources, ports: itemPorts(entry, byName) });
    }
  }
  return out;
}

/** The TCP ports of an `ingress_with_*` item: its own ports and protocol, else its named rule's. */
function itemPorts(
  entry: (name: string) => HclValue | undefined,
  byName: (name: unknown) => PortRange[] | 'all' | undefined,
): PortRange[] | 'all' | undefined {
  const from = entry('from_port');
  const to = entry('to_port');
  const protocol = entry('protocol');
  const rule = entry('rule');
  if (from === undefined && to === undefined && protocol === undefined) {
    return rule === undefined ? undefined : byName(literal(rule));
  }
  // Partly written over a named rule, or computed: not judged.
  if (from === undefined || to === undefined || protocol === undefined) return undefined;
  const p = literal(protocol);
  const proto = p === undefined || p === null ? undefined : String(p).toLowerCase();
  if (proto === '-1' || proto === 'all') return 'all';
  if (proto !== 'tcp' && proto !== '6') return proto === undefined ? undefined : [];
  const [a, b] = [port(from), port(to)];
  return a === undefined || b === undefined ? undefined : [[a, b]];
}

function port(value: HclValue): number | undefined {
  const v = literal(value);
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}
