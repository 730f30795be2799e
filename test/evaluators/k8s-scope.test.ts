import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { claimEverything } from '../helpers/claims.js';
import { makeTree, removeTempDirs } from '../helpers/run-action.js';

/**
 * Every Kubernetes rule reads every manifest through one shared parse; each must be credited only with
 * the files that hold what it judges (pod specs, RBAC roles, bindings, replicated workloads), so that a
 * tree of manifests without its subjects leaves its control not assessed rather than satisfied.
 */

afterAll(removeTempDirs);

const tree = (files: Record<string, string>) => makeTree(files, 'cg-k8s-scope-');

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: strict }\n';
const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec:\n  selector: { app: web }\n  ports: [{ port: 80 }]\n';
/** A Helm chart's values: YAML that the manifest globs match, and no object at all. */
const VALUES = 'replicaCount: 1\nimage:\n  repository: nginx\n  tag: latest\n';
const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: reader }
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list]
`;
const BINDING = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }
subjects: [{ kind: ServiceAccount, name: web }]
`;
/** A Deployment behind the Service that passes every pod and replica rule. */
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: { type: RuntimeDefault }
      containers:
        - name: web
          image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
          resources:
            limits: { cpu: 500m, memory: 256Mi }
`;
/** A bare Pod: a pod spec, but no replicated workload. */
const POD = DEPLOYMENT.replace(/kind: Deployment[\s\S]*?template:\n/, 'kind: Pod\n')
  .replace('metadata: { name: web }\n', '')
  .replace(/^ {4}/gm, '')
  .replace('metadata: { labels: { app: web } }', 'metadata: { name: web, labels: { app: web } }');

const PODS = 'Kubernetes workloads with pod specs (Pods, Deployments, Jobs, other pod templates)';
const RBAC =
  'Kubernetes RBAC objects the rule audits (Roles and ClusterRoles for wildcards, bindings for cluster-admin)';

interface Case {
  rule: string;
  control: string;
  inputs: string;
  /** Manifests of the family with none of the rule's subjects. */
  without: Record<string, string>;
  /** The same with one file that holds a subject the rule passes. */
  with: Record<string, string>;
  subject: string;
}

const NO_PODS = {
  'k8s/config.yaml': CONFIG_MAP,
  'k8s/service.yaml': SERVICE,
  'k8s/rbac.yaml': `${ROLE}---\n${BINDING}`,
  'chart/values.yaml': VALUES,
};
const podCase = (rule: string, control: string): Case => ({
  rule,
  control,
  inputs: PODS,
  without: NO_PODS,
  with: { ...NO_PODS, 'k8s/deployment.yaml': DEPLOYMENT },
  subject: 'k8s/deployment.yaml',
});

const CASES: Case[] = [
  podCase('k8s-capabilities-drop-all', '8.9'),
  podCase('k8s-dangerous-capabilities', '8.18'),
  podCase('k8s-env-secret-literal', '8.12'),
  podCase('k8s-host-namespaces', '8.22'),
  podCase('k8s-host-path-volume', '8.3'),
  podCase('k8s-host-port', '8.20'),
  podCase('k8s-image-unpinned', '8.19'),
  podCase('k8s-privilege-escalation', '8.18'),
  podCase('k8s-privileged-container', '8.2'),
  podCase('k8s-readonly-root-filesystem', '8.7'),
  podCase('k8s-resource-limits', '8.6'),
  podCase('k8s-run-as-root', '8.2'),
  podCase('k8s-seccomp-profile', '8.27'),
  {
    rule: 'k8s-rbac-wildcard',
    control: '8.3',
    inputs: RBAC,
    // A binding and a workload, but no role.
    without: { 'k8s/binding.yaml': BINDING, 'k8s/deployment.yaml': DEPLOYMENT },
    with: { 'k8s/binding.yaml': BINDING, 'k8s/deployment.yaml': DEPLOYMENT, 'k8s/role.yaml': ROLE },
    subject: 'k8s/role.yaml',
  },
  {
    rule: 'k8s-cluster-admin-binding',
    control: '8.2',
    inputs: RBAC,
    // A role and a workload, but no binding.
    without: { 'k8s/role.yaml': ROLE, 'k8s/deployment.yaml': DEPLOYMENT },
    with: { 'k8s/role.yaml': ROLE, 'k8s/deployment.yaml': DEPLOYMENT, 'k8s/binding.yaml': BINDING },
    subject: 'k8s/binding.yaml',
  },
  {
    rule: 'k8s-single-replica',
    control: '8.14',
    inputs: 'Kubernetes Deployments, StatefulSets or ReplicaSets',
    // A Service and the Pod it selects: a pod spec, but nothing with replicas.
    without: { 'k8s/service.yaml': SERVICE, 'k8s/pod.yaml': POD },
    with: { 'k8s/service.yaml': SERVICE, 'k8s/pod.yaml': POD, 'k8s/deployment.yaml': DEPLOYMENT },
    subject: 'k8s/deployment.yaml',
  },
];

/** The verdict of a control whose only rule passed on one file: satisfied, unless it only detects problems of it. */
function metOrDetected(rules: readonly { id: string; role?: string }[], rule: string, control: string) {
  return rules.find((r) => r.id === rule)?.role === 'detects'
    ? {
        verdict: 'not-assessed',
        reasons: [
          `rule ${rule} (1 file) found nothing against ${control}, but it only detects problems of it: it would be silent on a repository without its practice, so that shows nothing about whether it is met`,
        ],
      }
    : { verdict: 'satisfied', reasons: [] };
}

async function check(rule: string, files: Record<string, string>) {
  const report = await runCheck({
    root: tree({ '.github/controls.yml': claimEverything(), ...files }),
    onlyRules: [rule],
    failOnGap: false,
  });
  return { rule: report.rules.find((r) => r.id === rule)!, controls: report.controls };
}

describe('Kubernetes rules examine only the files that hold their subjects', () => {
  it('covers every Kubernetes rule', async () => {
    const report = await runCheck({ root: tree({}), failOnGap: false });
    const k8s = report.rules.map((r) => r.id).filter((id) => id.startsWith('k8s-'));
    expect(CASES.map((c) => c.rule).sort()).toEqual(k8s.sort());
  });

  it.each(CASES)('$rule: not assessed on manifests without its subjects', async (c) => {
    const { rule, controls } = await check(c.rule, c.without);
    expect(rule).toMatchObject({ result: 'pass', findings: 0, scope: { files: 0, examples: [] } });
    expect(controls.find((x) => x.id === c.control)).toMatchObject({
      verdict: 'not-assessed',
      reasons: [`rule ${c.rule} examined nothing: no ${c.inputs} in this repository`],
    });
  });

  it.each(CASES)('$rule: satisfied on the file that holds its subject, and only that file', async (c) => {
    const { rule, controls } = await check(c.rule, c.with);
    expect(rule).toMatchObject({ result: 'pass', findings: 0, scope: { files: 1, examples: [c.subject] } });
    const met = controls.find((x) => x.id === c.control)!;
    expect(met).toMatchObject(metOrDetected(met.rules, c.rule, c.control));
  });
});
