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
import { resourceInstances } from '../../parsers/terraform-instances.js';
import { inputDecider } from '../../parsers/terraform-modules.js';
import { describeModuleCall, type RegistryModuleCall } from '../../parsers/terraform-registry.js';
import {
  resolveBody,
  type ValueResolver,
  valueResolver,
  valueVariants,
} from '../../parsers/terraform-values.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { localEmulator, onEmulator } from './emulator.js';
import { worldSources } from './networks.js';
import { moduleIngress, securityGroupCalls } from './security-group-module.js';
import {
  atInputDefault,
  examineSubjects,
  judgedWithVariants,
  type LiteralItem,
  literalNumber,
  literalOf,
  literalString,
  literalStrings,
  spanLocation,
} from './shared.js';

interface Options {
  /** Ports that must not be reachable from anywhere. */
  ports: number[];
}

type PortRange = [number, number];

/** One ingress rule, normalised across providers: its literal sources and the TCP ports it opens. */
interface Ingress {
  resource: TerraformResource;
  sources: LiteralItem[];
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
      for (const rule of resourceInstances(resource, resolver).flatMap(ingressRules)) {
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
      findings.push(...judgedWithVariants(subject.file.module, resolve, variants, subject.judge));
    }
    return findings;
  },
});

function ingressRules(r: TerraformResource): Ingress[] {
  const body = r.block.body;
  switch (r.type) {
    case 'aws_security_group':
    case 'aws_default_security_group':
      return nestedBlocks(body, 'ingress').map((b) => awsRule(r, b.body, 'protocol'));
    case 'aws_security_group_rule':
      return literalString(body, 'type')?.toLowerCase() === 'ingress' ? [awsRule(r, body, 'protocol')] : [];
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
    literalStrings(body, n),
  );
  const protocol = attribute(body, protocolName);
  const p = protocol ? literal(protocol.value) : 'tcp';
  const proto = p === undefined || p === null ? 'tcp' : String(p).toLowerCase();
  if (proto === '-1' || proto === 'all') return { resource, sources, ports: 'all' };
  if (proto !== 'tcp' && proto !== '6') return { resource, sources, ports: [] };
  const from = literalNumber(body, 'from_port');
  const to = literalNumber(body, 'to_port');
  return { resource, sources, ports: from === undefined || to === undefined ? undefined : [[from, to]] };
}

function gcpRule(resource: TerraformResource, body: HclBody): Ingress[] {
  const direction = literalString(body, 'direction')?.toUpperCase() ?? 'INGRESS';
  if (direction !== 'INGRESS' || literalOf(body, 'disabled') === true) return [];
  const sources = literalStrings(body, 'source_ranges');
  return nestedBlocks(body, 'allow').map(({ body: allow }): Ingress => {
    const proto = literalString(allow, 'protocol')?.toLowerCase();
    if (proto !== 'tcp' && proto !== 'all' && proto !== '6') return { resource, sources, ports: [] };
    const ports = attribute(allow, 'ports');
    if (!ports) return { resource, sources, ports: 'all' };
    return { resource, sources, ports: rangesOf(ports.value) };
  });
}

function azureRule(resource: TerraformResource, body: HclBody): Ingress[] {
  if (
    literalString(body, 'direction')?.toLowerCase() !== 'inbound' ||
    literalString(body, 'access')?.toLowerCase() !== 'allow'
  ) {
    return [];
  }
  const proto = literalString(body, 'protocol')?.toLowerCase();
  if (proto !== 'tcp' && proto !== '*') return [];
  const sources = [
    ...literalStrings(body, 'source_address_prefix'),
    ...literalStrings(body, 'source_address_prefixes'),
  ];
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
  if (
    literalString(body, 'direction')?.toLowerCase() !== 'in' ||
    literalString(body, 'protocol')?.toLowerCase() !== 'tcp'
  )
    return [];
  const sources = literalStrings(body, 'source_ips');
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
