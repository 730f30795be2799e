import {
  attribute,
  describeResource,
  type HclBody,
  nestedBlocks,
  type TerraformResource,
  terraformFiles,
  terraformResources,
} from '../../parsers/terraform.js';
import { resourceInstances } from '../../parsers/terraform-instances.js';
import { inputDecider } from '../../parsers/terraform-modules.js';
import {
  resolveBody,
  type ValueResolver,
  valueResolver,
  valueVariants,
} from '../../parsers/terraform-values.js';
import type { RawFinding } from '../../types.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';
import { localEmulator, onEmulator } from './emulator.js';
import { worldSources } from './networks.js';
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

const RESOURCE_TYPES = [
  'aws_security_group',
  'aws_default_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_egress_rule',
  'google_compute_firewall',
  'azurerm_network_security_rule',
  'azurerm_network_security_group',
];

/**
 * `terraform.open-egress`: firewall rules that allow every protocol and port to every address
 * (`0.0.0.0/0`, `::/0`; Azure's `*`, `Internet`): AWS security groups (inline `egress`,
 * `aws_security_group_rule`, `aws_vpc_security_group_egress_rule`), GCP egress firewalls and Azure
 * outbound NSG rules. Such a rule leaves outbound traffic unfiltered at the network layer. As for
 * open-ingress, destinations a local or a variable's default gives are judged at their use (with low
 * confidence when they are the default of a reusable module's input), rules written over a literal
 * collection (`dynamic`, `for_each`, `count`) per element, prefixes that together cover every address
 * as every address, and values a run may be given (`-var-file`, other `*.tfvars`) name their file.
 * Computed values are not judged; rules limited to some ports or protocols are not reported, nor AWS
 * groups named for a storage, database, cache, load balancer or endpoint service (see DATA_SERVICE).
 */
export const terraformOpenEgress = defineEvaluator<Record<string, never>>({
  kind: 'terraform.open-egress',
  summary:
    'Terraform firewall rules (AWS security groups, GCP firewalls, Azure NSG rules) that allow all egress to 0.0.0.0/0 or ::/0.',
  schema: NO_OPTIONS,
  revision: 2,
  async evaluate({ workspace }) {
    const files = await terraformFiles(workspace);
    const findings: RawFinding[] = [];
    const resources = terraformResources(files, RESOURCE_TYPES);
    examineSubjects(workspace, resources);
    const resolve = valueResolver(files);
    const variants = valueVariants(files);
    const emulated = localEmulator(files);
    const callersDecide = inputDecider(files, workspace);
    const judge = (declared: TerraformResource, resolver: ValueResolver): RawFinding[] => {
      // Destinations given by a local or a variable's default are judged as if written here, and a
      // rule written over a literal collection once per element (see terraform-instances.ts).
      const body = resolveBody(resolver, declared.file, declared.block.body);
      const resource = { ...declared, block: { ...declared.block, body } };
      if (guardsDataService(resource)) return [];
      return resourceInstances(resource, resolver)
        .flatMap((instance) => openRules(instance))
        .flatMap((destinations) => worldSources(destinations, resource.type.startsWith('azurerm_')))
        .map((dest) =>
          onEmulator(
            emulated(declared),
            atInputDefault(
              {
                message:
                  `${describeResource(resource)} allows all outbound traffic to ${dest.value} (every protocol and port): ` +
                  'nothing limits which sites and services its workloads reach.',
                location: spanLocation(resource.file.path, dest.span),
                key: `${resource.type}.${resource.name}:egress:${dest.value}`,
              },
              declared.file,
              dest.node,
              callersDecide,
            ),
          ),
        );
    };
    for (const resource of resources) {
      findings.push(
        ...judgedWithVariants(resource.file.module, resolve, variants, (v) => judge(resource, v)),
      );
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
  const names = [
    r.name,
    literalString(body, 'name'),
    literalString(body, 'name_prefix'),
    literalString(body, 'description'),
  ];
  const group = attribute(body, 'security_group_id');
  if (group) names.push(group.value.text);
  return names.some((n) => n !== undefined && DATA_SERVICE.test(n));
}

/**
 * The destinations of each rule of a resource that allows every protocol and port, one list per rule
 * (whether they reach every address is judged per rule: see worldSources).
 */
function openRules(r: TerraformResource): LiteralItem[][] {
  const body = r.block.body;
  switch (r.type) {
    case 'aws_security_group':
    case 'aws_default_security_group':
      return nestedBlocks(body, 'egress').map((b) => aws(b.body, 'protocol'));
    case 'aws_security_group_rule':
      return literalString(body, 'type')?.toLowerCase() === 'egress' ? [aws(body, 'protocol')] : [];
    case 'aws_vpc_security_group_egress_rule':
      return [aws(body, 'ip_protocol')];
    case 'google_compute_firewall':
      return [gcp(body)];
    case 'azurerm_network_security_rule':
      return [azure(body)];
    case 'azurerm_network_security_group':
      return nestedBlocks(body, 'security_rule').map((b) => azure(b.body));
    default:
      return [];
  }
}

function aws(body: HclBody, protocolName: string): LiteralItem[] {
  const proto = literalString(body, protocolName)?.toLowerCase();
  const allPorts =
    proto === '-1' ||
    proto === 'all' ||
    ((proto === 'tcp' || proto === '6') &&
      literalNumber(body, 'from_port') === 0 &&
      literalNumber(body, 'to_port') === 65535);
  if (!allPorts) return [];
  return ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6'].flatMap((n) =>
    literalStrings(body, n),
  );
}

function gcp(body: HclBody): LiteralItem[] {
  if (literalString(body, 'direction')?.toUpperCase() !== 'EGRESS' || literalOf(body, 'disabled') === true)
    return [];
  const everything = nestedBlocks(body, 'allow').some(
    ({ body: allow }) =>
      literalString(allow, 'protocol')?.toLowerCase() === 'all' && !attribute(allow, 'ports'),
  );
  return everything ? literalStrings(body, 'destination_ranges') : [];
}

function azure(body: HclBody): LiteralItem[] {
  if (
    literalString(body, 'direction')?.toLowerCase() !== 'outbound' ||
    literalString(body, 'access')?.toLowerCase() !== 'allow'
  )
    return [];
  if (literalString(body, 'protocol') !== '*' || literalString(body, 'destination_port_range') !== '*')
    return [];
  return [
    ...literalStrings(body, 'destination_address_prefix'),
    ...literalStrings(body, 'destination_address_prefixes'),
  ];
}
