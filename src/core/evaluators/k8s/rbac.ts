import { apiGroup, childAt, describeObject, isMap, type K8sObject, k8sObjects } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { examineObjects, findingAt, noteKindFixtures } from './shared.js';

/** Options of `k8s.rbac`. */
export interface RbacOptions {
  audit: 'wildcard' | 'cluster-admin';
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * Whether a rule's API groups reach Kubernetes' own objects: `*`, the core group `""`, or a built-in
 * group (`apps`, `batch`, `*.k8s.io`). An operator's `*` over the groups of its own custom resources
 * (`constraints.gatekeeper.sh`, `cilium.io`), or over metrics APIs whose resources are metric names, is
 * left alone; so are rules without API groups (`nonResourceURLs`).
 */
function grantsBuiltInApis(groups: unknown): boolean {
  if (!Array.isArray(groups)) return false;
  return groups.some(
    (g) =>
      typeof g === 'string' &&
      (g === '*' || g === '' || !g.includes('.') || (g.endsWith('.k8s.io') && !g.endsWith('metrics.k8s.io'))),
  );
}

// Where a rule's list grants everything: `*`, first; for resources also `*/<subresource>`, which RBAC
// matches against that subresource of every resource. Any other `*` in a resource (`pods/*`) matches
// only a subresource literally named `*`, so it grants nothing more.
function wildcardAt(list: unknown[], field: 'verbs' | 'resources'): number {
  const all = list.indexOf('*');
  if (all !== -1 || field === 'verbs') return all;
  return list.findIndex((r) => typeof r === 'string' && /^\*\/[^*/]+$/.test(r));
}

/**
 * The verbs a `*` grants that matter most for the rule's resources: `escalate` and `bind` exist only on
 * roles, `impersonate` only on users, groups and service accounts; over other resources (`secrets`,
 * `statefulsets`) `*` adds `delete` and `deletecollection` to what a reviewer would list.
 */
function riskiestVerbs(resources: unknown): string {
  const names = Array.isArray(resources) ? resources.filter((r): r is string => typeof r === 'string') : [];
  const any = (set: readonly string[]) =>
    names.some((r) => r === '*' || set.includes(r.replace(/\/.*$/, '')));
  const verbs = [
    ...(any(['roles', 'clusterroles']) ? ['escalate', 'bind'] : []),
    ...(any(['users', 'groups', 'serviceaccounts', 'userextras', 'uids']) ? ['impersonate'] : []),
  ];
  const all = ['delete', ...(verbs.length === 0 ? ['deletecollection'] : verbs)];
  return `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}

/**
 * `k8s.rbac`: role-based access control that grants more than it names. `wildcard`: a Role or
 * ClusterRole rule over Kubernetes' own API groups with `*` in its verbs or resources, or a `*` resource
 * with a subresource (every action, or every kind of object, including ones added later, such as Secrets); `cluster-admin`: a RoleBinding or ClusterRoleBinding
 * to the built-in `cluster-admin` ClusterRole (everything, everywhere with a ClusterRoleBinding).
 */
export const k8sRbac = defineEvaluator<RbacOptions>({
  kind: 'k8s.rbac',
  summary: 'Kubernetes RBAC rules with * verbs or resources (wildcard), or bindings to cluster-admin.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['audit'],
    properties: {
      audit: {
        enum: ['wildcard', 'cluster-admin'],
        description: 'Which RBAC audit: wildcard or cluster-admin.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    // What the audit judges: bindings (cluster-admin) or roles (wildcard); a tree of neither gives it
    // nothing to pass on.
    const subjects: K8sObject[] = [];
    const rbac = k8sObjects(workspace).filter((object) => apiGroup(object.apiVersion) === RBAC_GROUP);
    noteKindFixtures(workspace, rbac);
    for (const object of rbac) {
      const at = { object };
      if (options.audit === 'cluster-admin') {
        if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') continue;
        subjects.push(object);
        const name = childAt(object, object.node, 'roleRef', 'name');
        const kind = childAt(object, object.node, 'roleRef', 'kind');
        if (name?.value !== 'cluster-admin' || kind?.value !== 'ClusterRole' || !name) continue;
        const scope =
          object.kind === 'ClusterRoleBinding'
            ? 'every permission on every object of the cluster'
            : 'every permission in its namespace';
        findings.push(
          findingAt(
            at,
            name,
            `${describeObject(object)} grants the cluster-admin role: ${scope}. Bind a role that lists only ` +
              'the verbs and resources its subjects need.',
            ['cluster-admin'],
          ),
        );
        continue;
      }
      if (object.kind !== 'Role' && object.kind !== 'ClusterRole') continue;
      subjects.push(object);
      const rules = object.node.value.rules;
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule, i) => {
        if (!isMap(rule) || !grantsBuiltInApis(rule.apiGroups)) return;
        for (const field of ['verbs', 'resources'] as const) {
          const list = rule[field];
          if (!Array.isArray(list)) continue;
          const index = wildcardAt(list, field);
          const node = index === -1 ? undefined : childAt(object, object.node, 'rules', i, field, index);
          if (!node) continue;
          const sub = list[index] === '*' ? undefined : String(list[index]).slice(2);
          const what =
            field === 'verbs'
              ? `every verb (including ${riskiestVerbs(rule.resources)})`
              : sub === undefined
                ? 'every resource type (Secrets included, and types added later)'
                : `the ${sub} subresource of every resource type (types added later included)`;
          findings.push(
            findingAt(
              at,
              node,
              `${describeObject(object)} grants ${what} with "*" in rule ${i + 1}. List the ${field} its subjects need.`,
              [`rules/${i}/${field}`],
            ),
          );
        }
      });
    }
    examineObjects(workspace, subjects);
    return findings;
  },
});
