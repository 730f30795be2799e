import { apiGroup, childAt, describeObject, isMap, type K8sObject, k8sObjects } from '../../parsers/k8s.js';
import { kustomizeNamespaces } from '../../parsers/k8s-files.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { examineObjects, findingAt, noteKindFixtures, ownFindings } from './shared.js';

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
 * The groups every client, or every authenticated one, belongs to: a binding to one of them grants its
 * role to anyone who can reach the API server (`system:unauthenticated`, and `system:anonymous`, the
 * user an anonymous request acts as) or to anyone with any credential of the cluster, a pod's
 * service-account token included (`system:authenticated`).
 */
const ANYONE = new Set(['system:unauthenticated', 'system:anonymous', 'system:authenticated']);

/** Who the groups of {@link ANYONE} a binding names stand for, in its message. */
function anyoneMeans(groups: readonly string[]): string {
  return groups.some((g) => g !== 'system:authenticated')
    ? 'that is, to anyone who can reach the API server'
    : "that is, to every client with any credential of the cluster (every pod's service-account token included)";
}

/** The subjects of a binding that stand for anyone ({@link ANYONE}), in the order written. */
function publicGroups(subjects: unknown): string[] {
  if (!Array.isArray(subjects)) return [];
  const found: string[] = [];
  for (const s of subjects) {
    if (!isMap(s) || typeof s.name !== 'string' || !ANYONE.has(s.name)) continue;
    if ((s.kind === 'Group' || s.kind === 'User') && !found.includes(s.name)) found.push(s.name);
  }
  return found;
}

/**
 * Who a binding grants its role to, for the finding's key: each subject as kind/namespace/name, sorted,
 * so that re-pointing a binding at other subjects is a new grant, and reordering them is not.
 */
function subjectKeys(subjects: unknown): string[] {
  if (!Array.isArray(subjects)) return [];
  const keys = subjects.map((s) =>
    isMap(s)
      ? [s.kind, s.namespace ?? '', s.name].map((v) => (typeof v === 'string' ? v : '')).join('/')
      : '',
  );
  return [...new Set(keys)].sort();
}

/** What a role's rule grants, for the finding's key: its API groups, resources and verbs, each sorted. */
function grantKey(rule: Record<string, unknown>): string {
  const list = (v: unknown) =>
    Array.isArray(v)
      ? [...new Set(v.filter((x): x is string => typeof x === 'string'))].sort().join(',')
      : '';
  return [list(rule.apiGroups), list(rule.resources), list(rule.verbs)].join(' ');
}

/**
 * Namespaces whose service accounts run the cluster's own controllers and add-ons: every permission
 * there reaches their tokens, and through them the cluster.
 */
const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system']);

/**
 * Whether a binding grants cluster-admin within one namespace only: a RoleBinding, outside the system
 * namespaces, neither its own nor one a kustomization that builds it gives it. Every permission in
 * one namespace is what a Role with `*` verbs and resources grants, which the wildcard audit reports
 * at medium; a RoleBinding without a namespace lands in the one it is applied to (kubectl's
 * context), no less confined. The kustomizations are read only for such a binding.
 */
function confinedToNamespace(workspace: Workspace, object: K8sObject): boolean {
  if (object.kind !== 'RoleBinding') return false;
  const namespaces = [object.namespace, ...kustomizeNamespaces(workspace, object.path)];
  return !namespaces.some((ns) => ns !== undefined && SYSTEM_NAMESPACES.has(ns));
}

/**
 * `k8s.rbac`: role-based access control that grants more than it names. `wildcard`: a Role or
 * ClusterRole rule over Kubernetes' own API groups with `*` in its verbs or resources, or a `*` resource
 * with a subresource (every action, or every kind of object, including ones added later, such as Secrets); `cluster-admin`: a RoleBinding or ClusterRoleBinding
 * to the built-in `cluster-admin` ClusterRole (everything, everywhere with a ClusterRoleBinding).
 */
export const k8sRbac = defineEvaluator<RbacOptions>({
  kind: 'k8s.rbac',
  // 2: the key holds the object's namespace, a binding's subjects and a rule's groups, resources and verbs.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 5,
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
        const anyone = publicGroups(object.node.value.subjects);
        const finding = findingAt(
          at,
          name,
          anyone.length > 0
            ? `${describeObject(object)} grants the cluster-admin role to ${anyone.map((g) => `\`${g}\``).join(' and ')}, ` +
                `${anyoneMeans(anyone)}: ${scope}. Remove ${anyone.length > 1 ? 'those subjects' : 'that subject'}, and bind a ` +
                'role that lists only the verbs and resources named users and service accounts need.'
            : `${describeObject(object)} grants the cluster-admin role: ${scope}. Bind a role that lists only ` +
                'the verbs and resources its subjects need.',
          ['cluster-admin', ...subjectKeys(object.node.value.subjects)],
        );
        findings.push(
          anyone.length > 0
            ? { ...finding, severity: 'critical' }
            : confinedToNamespace(workspace, object)
              ? { ...finding, severity: 'medium' }
              : finding,
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
              [`rules/${i}/${field}`, grantKey(rule)],
            ),
          );
        }
      });
    }
    examineObjects(workspace, subjects);
    return ownFindings(findings);
  },
});
