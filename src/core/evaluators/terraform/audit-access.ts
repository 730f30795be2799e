import {
  attribute,
  describeResource,
  type HclAttribute,
  terraformFiles,
  terraformResources,
} from '../../parsers/terraform.js';
import type { RawFinding } from '../../types.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';
import { localEmulator, onEmulator } from './emulator.js';
import { examineSubjects, spanLocation } from './shared.js';

/** A grant: who gets it (attribute names) and what grants write access (the role or policy attribute). */
interface GrantShape {
  principals: string[];
  grant: string;
  writes: RegExp;
}

/** AWS managed policies that can change what they can see. */
const AWS_WRITE = /policy\/(?:AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]*FullAccess)\b/;
/** GCP basic roles and predefined admin roles. */
const GCP_WRITE = /^"?roles\/(?:owner|editor|[A-Za-z0-9.]+\.admin)"?$/;
/** Azure built-in roles that write. */
const AZURE_WRITE = /^"?(?:Owner|Contributor|User Access Administrator)"?$/;

const SHAPES = new Map<string, GrantShape>([
  ['aws_iam_role_policy_attachment', { principals: ['role'], grant: 'policy_arn', writes: AWS_WRITE }],
  ['aws_iam_user_policy_attachment', { principals: ['user'], grant: 'policy_arn', writes: AWS_WRITE }],
  ['aws_iam_group_policy_attachment', { principals: ['group'], grant: 'policy_arn', writes: AWS_WRITE }],
  [
    'aws_iam_policy_attachment',
    { principals: ['roles', 'users', 'groups'], grant: 'policy_arn', writes: AWS_WRITE },
  ],
  ['aws_iam_role', { principals: ['name'], grant: 'managed_policy_arns', writes: AWS_WRITE }],
  ['google_project_iam_member', { principals: ['member'], grant: 'role', writes: GCP_WRITE }],
  ['google_project_iam_binding', { principals: ['members'], grant: 'role', writes: GCP_WRITE }],
  ['google_folder_iam_member', { principals: ['member'], grant: 'role', writes: GCP_WRITE }],
  ['google_organization_iam_member', { principals: ['member'], grant: 'role', writes: GCP_WRITE }],
  [
    'azurerm_role_assignment',
    { principals: ['principal_id'], grant: 'role_definition_name', writes: AZURE_WRITE },
  ],
]);

/**
 * "audit", "auditor", "security-audit", but not the writers of audit logs ("audit-logs",
 * "audit_trail_delivery"), which need write access to where the logs go.
 */
const AUDIT = /audit(?![-_ ]?(?:log|trail|event|stream|deliver|writ|export|sink|bucket|record))/i;

/**
 * `terraform.audit-access`: identities named for audit (a role, user, group or member whose name or
 * reference says "audit") that are granted write access: AWS AdministratorAccess, PowerUserAccess or
 * a `*FullAccess` managed policy, GCP owner, editor or an admin role, Azure Owner, Contributor or User
 * Access Administrator. Auditors and audit tools need read access (SecurityAudit, ReadOnlyAccess,
 * roles/viewer, iam.securityReviewer, Reader); write access lets an audit change what it assesses.
 */
export const terraformAuditAccess = defineEvaluator<Record<string, never>>({
  kind: 'terraform.audit-access',
  summary:
    'Terraform grants of write or admin access to identities named for audit (AWS IAM, GCP IAM, Azure RBAC).',
  schema: NO_OPTIONS,
  async evaluate({ workspace }) {
    const files = await terraformFiles(workspace);
    const emulated = localEmulator(files);
    const findings: RawFinding[] = [];
    // Its subjects are the grants to identities named for audit: a file of other IAM resources (a
    // flow log's role) holds nothing it judges.
    const audited = terraformResources(files, [...SHAPES.keys()]).flatMap((resource) => {
      const shape = SHAPES.get(resource.type)!;
      const principal = shape.principals
        .map((n) => attribute(resource.block.body, n))
        .find((a): a is HclAttribute => a !== undefined && AUDIT.test(a.value.text));
      // An aws_iam_role is named by its label too: `resource "aws_iam_role" "auditor"`.
      const named =
        principal ?? (resource.type === 'aws_iam_role' && AUDIT.test(resource.name) ? 'label' : undefined);
      return named ? [{ resource, shape, named }] : [];
    });
    examineSubjects(
      workspace,
      audited.map((a) => a.resource),
    );
    for (const { resource, shape, named } of audited) {
      const body = resource.block.body;
      const grant = attribute(body, shape.grant);
      if (!grant) continue;
      const writes = grantedWrites(grant, shape.writes);
      if (writes.length === 0) continue;
      const who = typeof named === 'string' ? resource.name : named.value.text.slice(0, 80);
      findings.push(
        onEmulator(emulated(resource), {
          message:
            `${describeResource(resource)} gives ${who}, an identity for audits, write access (${writes.join(', ')}): ` +
            'an audit should read what it assesses, never change it.',
          location: spanLocation(resource.file.path, grant.value.span),
          key: `${resource.type}.${resource.name}:${writes.join(',')}`,
        }),
      );
    }
    return findings;
  },
});

/** The write grants in a grant attribute (one value, or a list such as `managed_policy_arns`). */
function grantedWrites(grant: HclAttribute, writes: RegExp): string[] {
  const items = grant.value.kind === 'tuple' ? grant.value.items : [grant.value];
  return items.flatMap((i) => {
    const m = writes.exec(i.text.trim());
    if (!m) return [];
    return [m[0].replace(/^"|"$/g, '').replace(/^policy\//, '')];
  });
}
