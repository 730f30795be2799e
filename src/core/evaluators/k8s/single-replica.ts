import path from 'node:path';
import { inTestPaths } from '../../confidence.js';
import { apiGroup, childAt, describeObject, isMap, type K8sObject, k8sObjects } from '../../parsers/k8s.js';
import { builtOnlyFor } from '../../parsers/k8s-files.js';
import type { RawFinding } from '../../types.js';
import { pathMatcher } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import {
  ABSENT,
  examineObjects,
  findingAt,
  kustomizeReplicas,
  NO_OPTIONS,
  namespaceOf,
  noteKindFixtures,
  ownFindings,
  STAGING_NAME_WORD,
  scaleTarget,
  targetKey,
} from './shared.js';

/** Workload kinds whose `spec.replicas` is the number of identical pods (default 1). */
const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/**
 * Flags Deployments, StatefulSets and ReplicaSets that a Service sends traffic to and that run one
 * pod: `replicas: 1`, or no `replicas`
 * (Kubernetes then runs one), unless an autoscaler in the same manifests targets them (its minimum
 * decides, and autoscalers are judged elsewhere) or a kustomization sets their count. `replicas: 0`
 * is a workload switched off on purpose, a Deployment with the `Recreate` strategy a singleton by
 * design, manifests of development, demo and quick-start environments (or built only for them) need
 * none, and a computed value is not judged. One whose name marks a staging or release-test
 * environment (`-staging`, `-releasetest`) or an optional dashboard or admin UI (`-dashboard`,
 * `-operator-ui`), and one whose Services expose only monitoring ports (metrics, profiling, probes), are reported at low confidence.
 */
export const k8sSingleReplica = defineEvaluator<Record<string, never>>({
  kind: 'k8s.single-replica',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 5,
  summary:
    'Kubernetes Deployments and StatefulSets behind a Service that run a single pod and no autoscaler targets.',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const objects = k8sObjects(workspace);
    noteKindFixtures(
      workspace,
      objects.filter((o) => REPLICATED.has(o.kind)),
    );
    const scaled = new Set(objects.flatMap(scaleTarget));
    const overlaid = kustomizeReplicas(workspace);
    const services = objects.flatMap(serviceSelector);
    const findings: RawFinding[] = [];
    // Its subjects are the replicated workloads: Services, autoscalers and kustomizations only decide
    // whether one is judged, so a tree without a Deployment, StatefulSet or ReplicaSet passes on nothing.
    const subjects: K8sObject[] = [];
    for (const object of objects) {
      if (!REPLICATED.has(object.kind) || apiGroup(object.apiVersion) !== 'apps') continue;
      subjects.push(object);
      if (scaled.has(targetKey(object.kind, object.name ?? '', namespaceOf(object)))) continue;
      if (object.name && overlaid.has(object.name)) continue;
      if (nonProduction(workspace, object.path)) continue;
      const traffic = served(object, services);
      if (!traffic) continue;
      const spec = childAt(object, object.node, 'spec');
      if (!spec || !isMap(spec.value)) continue;
      // `Recreate` stops the old pod before starting the new one: a singleton by design (a
      // ReadWriteOnce volume, a single writer), which more replicas would break.
      const strategy = childAt(object, spec, 'strategy', 'type');
      if (strategy?.value === 'Recreate') continue;
      const replicas = childAt(object, spec, 'replicas');
      if (replicas && replicas.value !== 1) continue;
      const what = describeObject(object);
      const okteto = oktetoDeploys(workspace, object.path);
      const finding = replicas
        ? findingAt(
            { object },
            replicas,
            `${what} runs one replica: when its pod or node fails, or during a rollout or a node drain, nothing serves.`,
            ['replicas'],
          )
        : findingAt(
            { object },
            spec,
            `${what} sets no replicas, so Kubernetes runs one pod: when it or its node fails, nothing serves.`,
            ['replicas'],
            'key',
            ABSENT,
          );
      // Deployed by an Okteto manifest: a developer's environment. The manifest is the repository's,
      // so the finding is lowered, not dropped.
      if (okteto && finding.confidence !== 'low') {
        finding.message += ` (But the Okteto manifest ${okteto} deploys it: a development environment, in a developer's own namespace, which needs no redundancy.)`;
        finding.confidence = 'low';
      }
      // A staging or release-test copy (`api-staging`, `hook-releasetest`): an outage delays a test,
      // not a user. Its name is the repository's, so the finding is lowered, not dropped.
      if (finding.confidence !== 'low' && object.name && STAGING_NAME_WORD.test(object.name)) {
        finding.message += ` (But its name, "${object.name}", marks a staging or release-test environment, which needs no redundancy.)`;
        finding.confidence = 'low';
      }
      // Only monitoring calls a workload whose Services expose nothing but metrics, profiling and
      // probe ports (a leader-elected controller's): one pod is likely by design. The port names are
      // the repository's, so the finding is lowered, not dropped.
      if (finding.confidence !== 'low' && traffic !== 'traffic') {
        finding.message += ` (But the Services that select it, ${traffic.map((n) => `"${n}"`).join(', ')}, expose only metrics, profiling or probe ports: nothing but monitoring calls it, so one pod is likely by design, as for a leader-elected controller.)`;
        finding.confidence = 'low';
      }
      // An optional admin or read-only UI (`argo-dashboard`): an outage hides a UI from operators, it
      // serves no user. Its name is the repository's, so the finding is lowered, not dropped.
      if (finding.confidence !== 'low' && object.name && namesDashboard(object.name)) {
        finding.message += ` (But its name, "${object.name}", marks an optional dashboard, an admin or read-only UI: an outage hides it from operators and serves no user.)`;
        finding.confidence = 'low';
      }
      findings.push(finding);
    }
    examineObjects(workspace, subjects);
    return ownFindings(findings);
  },
});

/**
 * Environments that need no redundancy: development (Tilt, Skaffold, kind, minikube, `dev`
 * overlays), a quick start or demo of the project, its examples and samples, a sandbox.
 */
const NON_PRODUCTION =
  /(?:^|\/)(?:dev|development|local|tilt|skaffold|minikube|kind|dev-[\w-]+|[\w-]+-dev|quick[-_]?start|demos?|examples?|samples?|sandbox)\//i;

/**
 * Whether a manifest is of such an environment: by its own path, or because kustomize builds it only
 * for such environments and for test suites (a shared `components/` folder that only the quick
 * start's and the end-to-end tests' kustomizations include). One that a production overlay also
 * includes is judged.
 */
function nonProduction(workspace: Workspace, file: string): boolean {
  return (
    NON_PRODUCTION.test(file) ||
    builtOnlyFor(workspace, file, (k) => NON_PRODUCTION.test(k) || inTestPaths(k))
  );
}

/** The names of an Okteto manifest in the folder it deploys from. */
const OKTETO_MANIFESTS = ['okteto.yml', 'okteto.yaml'];

/**
 * The Okteto manifest that deploys a Kubernetes manifest, when one does: an `okteto.yml` in the
 * manifest's folder or one above whose `deploy` commands name the manifest, its folder, or a glob
 * that matches it (`kubectl apply -f k8s`, `for f in k8s/*.yml; do ...`). Okteto deploys development
 * environments, each in a developer's own namespace.
 */
function oktetoDeploys(workspace: Workspace, file: string): string | undefined {
  let dir = path.posix.dirname(file);
  for (;;) {
    for (const name of OKTETO_MANIFESTS) {
      const at = dir === '.' ? name : `${dir}/${name}`;
      if (!workspace.has(at)) continue;
      const words = workspace.memo('okteto-deploy-words', at, () => deployWords(workspace, at));
      const relative = dir === '.' ? file : file.slice(dir.length + 1);
      if (words.some((w) => namesPath(w, relative))) return at;
    }
    if (dir === '.' || dir === '') return undefined;
    dir = path.posix.dirname(dir);
  }
}

/** The words of an Okteto manifest's `deploy` commands (a list of commands, or of `command:` entries). */
function deployWords(workspace: Workspace, file: string): string[] {
  const parsed = workspace.yaml(file);
  const root = parsed?.ok ? parsed.documents[0]?.value : undefined;
  let deploy = isMap(root) ? root.deploy : undefined;
  if (isMap(deploy)) deploy = deploy.commands;
  if (!Array.isArray(deploy)) return [];
  return deploy
    .map((c) => (isMap(c) ? c.command : c))
    .filter((c): c is string => typeof c === 'string')
    .flatMap((c) => c.split(/[\s;|&<>()]+/))
    .map((w) =>
      w
        .replace(/^["']|["']$/g, '')
        .replace(/^\.\//, '')
        .replace(/\/+$/, ''),
    )
    .filter((w) => w !== '' && w !== '.' && !w.startsWith('-') && !w.includes('$') && !w.startsWith('..'));
}

/** Whether a command's word names a path: the path itself, a folder above it, or a glob matching it. */
function namesPath(word: string, file: string): boolean {
  if (word === file || file.startsWith(`${word}/`)) return true;
  return /[*?[{]/.test(word) && pathMatcher(word)(file);
}

/**
 * A workload's name that marks an optional admin or read-only UI: the word `dashboard`
 * (`rollouts-dashboard`), or a user-interface word (`ui`, `gui`, `console`) with a word that says
 * whose it is, the administrators' or the operators' (`admin-ui`, `postgres-operator-ui`,
 * `kafka-admin-console`). A UI word alone (`shop-ui`, `web-console`) may be the product's own
 * front end, which serves its users.
 */
function namesDashboard(name: string): boolean {
  const words = new Set(name.toLowerCase().split(/[-_.\d]+/));
  if (words.has('dashboard')) return true;
  return ['ui', 'gui', 'console'].some((w) => words.has(w)) && (words.has('admin') || words.has('operator'));
}

/**
 * A Service's selector and namespace: the pods it sends traffic to; `dir`: where its manifest is;
 * `monitoring`: whether every port it exposes is named for monitoring (see {@link MONITORING_PORT_WORDS}).
 */
interface ServiceSelector {
  name: string;
  namespace: string;
  selector: Record<string, unknown>;
  dir: string;
  monitoring: boolean;
}

/**
 * Words of a Service port's name that mark a monitoring endpoint: metrics scraped by Prometheus
 * (`metrics`, `http-metrics`), Go's profiler (`http-profiling`, `pprof`) and health probes
 * (`probes`, `healthz`). A controller's Service often exposes only these.
 */
const MONITORING_PORT_WORDS = new Set([
  'metrics',
  'prometheus',
  'monitoring',
  'telemetry',
  'profiling',
  'pprof',
  'probe',
  'probes',
  'health',
  'healthz',
  'liveness',
  'readiness',
]);

function serviceSelector(object: K8sObject): ServiceSelector[] {
  if (object.kind !== 'Service' || apiGroup(object.apiVersion) !== '') return [];
  const selector = childAt(object, object.node, 'spec', 'selector');
  if (!selector || !isMap(selector.value) || Object.keys(selector.value).length === 0) return [];
  const ports = childAt(object, object.node, 'spec', 'ports')?.value;
  const monitoring =
    Array.isArray(ports) &&
    ports.length > 0 &&
    ports.every(
      (p) =>
        isMap(p) &&
        typeof p.name === 'string' &&
        p.name
          .toLowerCase()
          .split(/[-_.]+/)
          .some((w) => MONITORING_PORT_WORDS.has(w)),
    );
  return [
    {
      name: object.name ?? '',
      namespace: namespaceOf(object),
      selector: selector.value,
      dir: path.posix.dirname(object.path),
      monitoring,
    },
  ];
}

/**
 * Whether a Service in the manifests sends traffic to the workload's pods: redundancy matters for
 * what serves others. A worker, a load generator or a one-off tool that nothing calls is left alone.
 * `traffic` when a Service that selects it exposes a port not named for monitoring; the names of the
 * Services when all that select it expose only monitoring ports; undefined when none selects it.
 * The Service must be of the same deployment unit (see {@link sameUnit}): a repository that keeps
 * one set of manifests per environment or platform repeats the same labels in each, and a Service
 * of one set does not serve the workloads of another.
 */
function served(object: K8sObject, services: readonly ServiceSelector[]): 'traffic' | string[] | undefined {
  const labels = childAt(object, object.node, 'spec', 'template', 'metadata', 'labels');
  if (!labels || !isMap(labels.value)) return undefined;
  const pod = labels.value;
  const ns = namespaceOf(object);
  const dir = path.posix.dirname(object.path);
  const selecting = services.filter(
    (svc) =>
      (svc.namespace === ns || svc.namespace === '' || ns === '') &&
      sameUnit(svc.dir, dir) &&
      Object.entries(svc.selector).every(([k, v]) => Object.hasOwn(pod, k) && pod[k] === v),
  );
  if (selecting.length === 0) return undefined;
  return selecting.every((svc) => svc.monitoring)
    ? [...new Set(selecting.map((svc) => svc.name))]
    : 'traffic';
}

/**
 * Whether two manifests' directories are of one deployment unit, applied together: one holds the
 * other (`k8s/` and `k8s/app/`, the repository's root and any), or they share a parent below the
 * root (`deploy/services/` and `deploy/workloads/`, a chart's or a kustomization's folders). Two
 * trees that meet only at the root (`aws/k8s/` and `gcp/k8s/`, `k8s/` and `okteto/k8s/`) are
 * separate sets, applied to separate clusters.
 */
function sameUnit(a: string, b: string): boolean {
  if (a === '.' || b === '.' || a === b) return true;
  if (a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) return true;
  return a.split('/')[0] === b.split('/')[0];
}
