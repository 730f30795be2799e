import {
  attribute,
  describeResource,
  type HclBody,
  literal,
  nestedBlocks,
  type TerraformResource,
  terraformFiles,
  terraformResources,
} from '../../parsers/terraform.js';
import type { RawFinding } from '../../types.js';
import type { NodeSpan } from '../../workspace/yaml.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';
import { localEmulator, onEmulator } from './emulator.js';
import { examineSubjects, spanLocation } from './shared.js';

const RESOURCE_TYPES = [
  'aws_security_group',
  'aws_default_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_egress_rule',
  'google_compute_firewall',
  'azurerm_network_security_rule',
  'azurerm_network_security_group',
];

/** A destination of an egress rule that allows every protocol and port. */
interface OpenDestination {
  value: string;
  span: NodeSpan;
}

/**
 * `terraform.open-egress`: firewall rules that allow every protocol and port to every address
 * (`0.0.0.0/0`, `::/0`; Azure's `*`, `Internet`): AWS security groups (inline `egress`,
 * `aws_security_group_rule`, `aws_vpc_security_group_egress_rule`), GCP egress firewalls and Azure
 * outbound NSG rules. Such a rule leaves outbound traffic unfiltered at the network layer. Computed
 * values are not judged; rules limited to some ports or protocols are not reported, nor AWS groups
 * named for a storage, database, cache, load balancer or endpoint service (see DATA_SERVICE).
 */
export const terraformOpenEgress = defineEvaluator<Record<string, never>>({
  kind: 'terraform.open-egress',
  summary:
    'Terraform firewall rules (AWS security groups, GCP firewalls, Azure NSG rules) that allow all egress to 0.0.0.0/0 or ::/0.',
  schema: NO_OPTIONS,
  async evaluate({ workspace }) {
    const files = await terraformFiles(workspace);
    const findings: RawFinding[] = [];
    const resources = terraformResources(files, RESOURCE_TYPES);
    examineSubjects(workspace, resources);
    const emulated = localEmulator(files);
    for (const resource of resources) {
      if (guardsDataService(resource)) continue;
      for (const dest of openDestinations(resource)) {
        findings.push(
          onEmulator(emulated(resource), {
            message:
              `${describeResource(resource)} allows all outbound traffic to ${dest.value} (every protocol and port): ` +
              'nothing limits which sites and services its workloads reach.',
            location: spanLocation(resource.file.path, dest.span),
            key: `${resource.type}.${resource.name}:egress:${dest.value}`,
          }),
        );
      }
    }
    return findings;
  },
});

/**
 * Storage, database, cache, load balancer and endpoint services answer connections but do not open
 * their own to the internet, so an allow-all egress rule on their security group filters nothing that
 * would happen anyway. Told by the names the configuration gives the group (its label, `name`,
 * `description`, or the group a rule belongs to).
 */
const DATA_SERVICE =
  /(?:^|[^a-z0-9])(?:efs|fsx[a-z]?|rds|db|database|aurora|postgres(?:ql)?|mysql|mariadb|redis|cache|elasticache|memcached|docdb|documentdb|neptune|nfs|storage|alb|nlb|elb|lb|endpoints?|vpce)(?:[^a-z0-9]|$)/i;

function guardsDataService(r: TerraformResource): boolean {
  if (!r.type.startsWith('aws_')) return false;
  const body = r.block.body;
  const names = [r.name, str(body, 'name'), str(body, 'name_prefix'), str(body, 'description')];
  const group = attribute(body, 'security_group_id');
  if (group) names.push(group.value.text);
  return names.some((n) => n !== undefined && DATA_SERVICE.test(n));
}

function openDestinations(r: TerraformResource): OpenDestination[] {
  const body = r.block.body;
  switch (r.type) {
    case 'aws_security_group':
    case 'aws_default_security_group':
      return nestedBlocks(body, 'egress').flatMap((b) => aws(b.body, 'protocol'));
    case 'aws_security_group_rule':
      return str(body, 'type')?.toLowerCase() === 'egress' ? aws(body, 'protocol') : [];
    case 'aws_vpc_security_group_egress_rule':
      return aws(body, 'ip_protocol');
    case 'google_compute_firewall':
      return gcp(body);
    case 'azurerm_network_security_rule':
      return azure(body);
    case 'azurerm_network_security_group':
      return nestedBlocks(body, 'security_rule').flatMap((b) => azure(b.body));
    default:
      return [];
  }
}

function aws(body: HclBody, protocolName: string): OpenDestination[] {
  const proto = str(body, protocolName)?.toLowerCase();
  const allPorts =
    proto === '-1' ||
    proto === 'all' ||
    ((proto === 'tcp' || proto === '6') && num(body, 'from_port') === 0 && num(body, 'to_port') === 65535);
  if (!allPorts) return [];
  return ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6']
    .flatMap((n) => strings(body, n))
    .filter((d) => /\/0$/.test(d.value.trim()));
}

function gcp(body: HclBody): OpenDestination[] {
  if (str(body, 'direction')?.toUpperCase() !== 'EGRESS' || literalOf(body, 'disabled') === true) return [];
  const everything = nestedBlocks(body, 'allow').some(
    ({ body: allow }) => str(allow, 'protocol')?.toLowerCase() === 'all' && !attribute(allow, 'ports'),
  );
  return everything ? strings(body, 'destination_ranges').filter((d) => /\/0$/.test(d.value.trim())) : [];
}

function azure(body: HclBody): OpenDestination[] {
  if (str(body, 'direction')?.toLowerCase() !== 'outbound' || str(body, 'access')?.toLowerCase() !== 'allow')
    return [];
  if (str(body, 'protocol') !== '*' || str(body, 'destination_port_range') !== '*') return [];
  return [
    ...strings(body, 'destination_address_prefix'),
    ...strings(body, 'destination_address_prefixes'),
  ].filter(
    (d) => /\/0$/.test(d.value.trim()) || ['*', 'internet', 'any'].includes(d.value.trim().toLowerCase()),
  );
}

function literalOf(body: HclBody, name: string) {
  const a = attribute(body, name);
  return a ? literal(a.value) : undefined;
}

function str(body: HclBody, name: string): string | undefined {
  const v = literalOf(body, name);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function num(body: HclBody, name: string): number | undefined {
  const v = literalOf(body, name);
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Literal strings of an attribute that is a string or a list of strings, each with its span. */
function strings(body: HclBody, name: string): OpenDestination[] {
  const a = attribute(body, name);
  if (!a) return [];
  const items = a.value.kind === 'tuple' ? a.value.items : [a.value];
  return items.flatMap((i) => (i.kind === 'string' ? [{ value: i.value, span: i.span }] : []));
}
