import path from 'node:path';
import { publishes } from '../evaluators/workflow/publishing.js';
import { actionPathOf } from '../evaluators/workflow/shared.js';
import type { Workspace } from '../workspace/workspace.js';
import { type CommandView, scriptCommands } from './shell-commands.js';
import { localActionSteps, workflowSources } from './workflow.js';
import type { Job, Step, Workflow } from './workflow-model.js';

/**
 * The paths the repository's workflow jobs deploy: a file or folder that a job's commands apply to a
 * cluster (`kubectl apply -f <path>`, `kubectl apply -k <path>`, `kustomize build <path> | kubectl
 * apply -f -`, `helm install|upgrade <release> <chart path> -f <values>`), bring up on a host
 * (`docker compose -f <path> up`, `docker stack deploy -c <path>`) or apply to a cloud (`terraform
 * -chdir=<path> apply`, or `terraform apply` in a working directory), when the target is no
 * throw-away one. A cluster job deploys unless it creates a local cluster (kind, minikube, k3d, k3s,
 * microk8s: a command or a setup action) and reaches no other (no context, kubeconfig or cloud
 * credentials of its own, no environment, no self-hosted runner), and only if it can reach a real
 * one at all: it deploys by the job's own signs (an `environment:`, a self-hosted runner, a step that
 * publishes; see compose.ts), reads a secret, may request an OIDC token, or sets a context or
 * credentials. A compose stack deploys when the job does, or when its Docker host is another one
 * (`DOCKER_HOST`, `--host`, `--context`): on a hosted runner it lives as long as the job, as a test's
 * does. A job that runs a test suite and deploys nowhere names no path here. Paths are read from the
 * commands as the shell passes them (comments are not commands), from the step's working directory;
 * one written with a variable or an expression is not known. The job's local composite actions'
 * steps are read with its own.
 */
export interface WorkflowDeploy {
  /** The workflow that deploys. */
  from: string;
  /** The path (a file or a folder) it deploys, from the repository's top. */
  to: string;
  /** The job, as `<workflow> (job <id>)`. */
  job: string;
}

/**
 * Whether a job deploys: it names an `environment:`, runs on a self-hosted runner (a machine of the
 * organisation's, often the deployment's own), or publishes what it builds (workflow/publishing.ts).
 */
export function jobDeploys(job: Job): boolean {
  if (job.environment !== undefined) return true;
  if (JSON.stringify(job.runsOn?.value ?? '').includes('self-hosted')) return true;
  return job.steps.some((s) => publishes(s, job));
}

/** Actions that create a local, throw-away cluster on the runner. */
const LOCAL_CLUSTER_ACTIONS = [
  'helm/kind-action',
  'engineerd/setup-kind',
  'container-tools/kind-action',
  'medyagh/setup-minikube',
  'manusa/actions-setup-minikube',
  'absaoss/k3d-action',
  'nolar/setup-k3d-k3s',
  'debianmaster/actions-k3s',
  'balchua/microk8s-actions',
  'jupyterhub/action-k3s-helm',
  'rinx/setup-k3d',
];

/** Actions that log in to a cloud or set a cluster's context: the job reaches a real one. */
export const CREDENTIAL_ACTIONS: readonly string[] = [
  'aws-actions/configure-aws-credentials',
  'aws-actions/amazon-eks',
  'azure/login',
  'azure/k8s-set-context',
  'azure/aks-set-context',
  'google-github-actions/auth',
  'google-github-actions/get-gke-credentials',
  'digitalocean/action-doctl',
  'okteto/context',
  'tale/kubectl-action',
  'actions-hub/kubectl',
];

/** Context names that local cluster tools give (`kind-dev`, `k3d-ci`, `minikube`). */
const LOCAL_CONTEXT = /^(?:kind-|k3d-|minikube|microk8s|docker-desktop|rancher-desktop|orbstack)/;

const hasAction = (list: readonly string[], step: Step): boolean => {
  const action = actionPathOf(step.uses)?.toLowerCase();
  return action !== undefined && list.some((a) => action === a || action.startsWith(`${a}/`));
};

/** The value of a command's option (`-f x`, `-f=x`, `--file x`, `--file=x`), for every occurrence. */
function optionValues(view: CommandView, short: readonly string[], long: readonly string[]): string[] {
  const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  const out: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const name = w.includes('=') ? w.slice(0, w.indexOf('=')) : w;
    if (!short.includes(name) && !long.includes(name)) continue;
    if (w.includes('=')) out.push(w.slice(w.indexOf('=') + 1));
    else if (words[k + 1] !== undefined) out.push(words[++k]!);
  }
  return out;
}

/** A docker command with its global options only: the words before its subcommand (`compose`, `stack`). */
function globalOptions(view: CommandView): CommandView {
  const words = view.command.words;
  const sub = words.findIndex((w, k) => k > view.nameIndex && (w.value === 'compose' || w.value === 'stack'));
  return sub === -1 ? view : { ...view, command: { ...view.command, words: words.slice(0, sub) } };
}

/** The words after the program's name that are no options (nor an option's value we know of). */
function operands(view: CommandView): string[] {
  return view.command.words
    .slice(view.nameIndex + 1)
    .map((w) => w.value)
    .filter((w) => !w.startsWith('-'));
}

/** Whether a command only rehearses (`--dry-run`, `--dry-run=client`; not `--dry-run=none`). */
function rehearses(view: CommandView): boolean {
  return view.command.words.some((w) => /^--dry-run(?:=(?!none$).*)?$/.test(w.value));
}

const KUBECTL = new Set(['kubectl', 'oc', 'microk8s.kubectl', 'k3s']);
/** Whether kubectl's operands apply: its subcommand among the first (`kubectl -n prod apply`). */
const applies = (words: readonly string[]): boolean =>
  words.slice(0, 3).some((w) => w === 'apply' || w === 'create' || w === 'replace');
const COMPOSE_DEFAULTS = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

interface Commands {
  views: CommandView[];
  /** The step's working directory, from the repository's top ('' at the top); undefined when unknown. */
  dir: string | undefined;
}

/** What a job's commands deploy, by kind of target, and what they say of the job's target. */
interface JobReading {
  cluster: string[];
  host: string[];
  createsLocalCluster: boolean;
  switchesContext: boolean;
  remoteDockerHost: boolean;
}

function readCommands(workspace: Workspace, { views, dir }: Commands, reading: JobReading): void {
  const at = (ref: string): string | undefined => {
    if (dir === undefined || ref === '' || ref === '-' || /^[a-z][\w+.-]*:|^\/|[$*{`~]/i.test(ref))
      return undefined;
    const resolved = path.posix.normalize(path.posix.join(dir, ref)).replace(/\/+$/, '');
    if (resolved === '..' || resolved.startsWith('../')) return undefined;
    return resolved === '.' ? '' : resolved;
  };
  const exists = (p: string) =>
    p !== '' && (workspace.has(p) || workspace.files.some((f) => f.startsWith(`${p}/`)));
  // A kubeconfig written from a local cluster's own (`kind get kubeconfig ... > kubeconfig.yaml`)
  // reaches that cluster, not another.
  const localKubeconfig = views.some((v) => {
    const w = operands(v);
    return (
      (v.name === 'kind' && (w[0] === 'get' || w[0] === 'export') && w[1] === 'kubeconfig') ||
      (v.name === 'k3d' && w[0] === 'kubeconfig') ||
      (v.name === 'minikube' && w[0] === 'kubectl')
    );
  });
  for (const [index, view] of views.entries()) {
    const words = operands(view);
    const name = view.name;
    const all = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
    // What the job says of its target.
    if (
      (name === 'kind' && words[0] === 'create' && words[1] === 'cluster') ||
      (name === 'minikube' && words[0] === 'start') ||
      (name === 'k3d' && words[0] === 'cluster' && words[1] === 'create') ||
      (name === 'ctlptl' && words[0] === 'create') ||
      (name === 'microk8s' && (words[0] === 'start' || words[0] === 'enable'))
    ) {
      reading.createsLocalCluster = true;
    }
    // The cluster a kubectl or helm command reaches (another program's `--context=3` is no cluster's).
    const contexts = KUBECTL.has(name)
      ? optionValues(view, ['-s'], ['--context', '--kubeconfig', '--server', '--token'])
      : name === 'helm'
        ? optionValues(view, [], ['--kube-context', '--kubeconfig', '--kube-apiserver', '--kube-token'])
        : [];
    if (
      contexts.some((c) => !LOCAL_CONTEXT.test(c)) ||
      (KUBECTL.has(name) &&
        words[0] === 'config' &&
        /^(?:use-context|set-context|set-cluster|set-credentials)$/.test(words[1] ?? '') &&
        !LOCAL_CONTEXT.test(words[2] ?? '')) ||
      (name === 'aws' && words[0] === 'eks' && words[1] === 'update-kubeconfig') ||
      (name === 'gcloud' && all.includes('get-credentials')) ||
      (name === 'az' && words[0] === 'aks' && words[1] === 'get-credentials') ||
      (name === 'doctl' && words.includes('kubeconfig')) ||
      view.command.assignments.some((a) => /^KUBECONFIG=/.test(a.value)) ||
      (!localKubeconfig &&
        view.command.redirects.some((r) => /kube\/config|kubeconfig/i.test(r.target?.value ?? '')))
    ) {
      reading.switchesContext = true;
    }
    if (
      view.command.assignments.some((a) => /^DOCKER_HOST=./.test(a.value)) ||
      ((name === 'docker' || name === 'docker-compose') &&
        optionValues(globalOptions(view), ['-H', '-c'], ['--host', '--context']).some((c) => c !== 'default'))
    ) {
      reading.remoteDockerHost = true;
    }
    if (rehearses(view)) continue;
    const add = (list: string[], refs: readonly string[]) => {
      for (const ref of refs) {
        const p = at(ref);
        if (p !== undefined && exists(p)) list.push(p);
      }
    };
    // Clusters.
    if (KUBECTL.has(name) && applies(words)) {
      add(reading.cluster, optionValues(view, ['-f', '-k'], ['--filename', '--kustomize']));
    } else if (name === 'helm' && ['install', 'upgrade'].includes(words[0] ?? '')) {
      add(reading.cluster, [...words.slice(1), ...optionValues(view, ['-f'], ['--values'])]);
    } else if (
      (name === 'kustomize' && words[0] === 'build') ||
      (KUBECTL.has(name) && words[0] === 'kustomize')
    ) {
      const next = views
        .slice(index + 1)
        .find((v) => v.command.depth === view.command.depth && v.command.start >= view.command.end);
      if (view.command.next === '|' && next && KUBECTL.has(next.name) && applies(operands(next))) {
        add(reading.cluster, words.slice(1, 2).length > 0 ? words.slice(1, 2) : ['.']);
      }
    } else if (
      ['terraform', 'tofu', 'terragrunt'].includes(name) &&
      words.includes('apply') &&
      !all.includes('-destroy')
    ) {
      const chdir = optionValues(view, [], ['-chdir']);
      add(reading.cluster, chdir.length > 0 ? chdir : ['.']);
    }
    // Hosts.
    const compose =
      name === 'docker-compose' || name === 'podman-compose'
        ? 0
        : (name === 'docker' || name === 'podman') && words[0] === 'compose'
          ? 1
          : undefined;
    if (
      compose !== undefined &&
      words.slice(compose).some((w) => w === 'up' || w === 'create' || w === 'run')
    ) {
      const files = optionValues(view, ['-f'], ['--file']);
      add(reading.host, files.length > 0 ? files : COMPOSE_DEFAULTS.filter((f) => exists(at(f) ?? '')));
    } else if (name === 'docker' && words[0] === 'stack' && words[1] === 'deploy') {
      add(reading.host, optionValues(view, ['-c'], ['--compose-file']));
    }
  }
}

/** The steps of a job with those of the local composite actions it runs, a few levels deep. */
function jobSteps(workspace: Workspace, steps: readonly Step[], depth = 0): Step[] {
  return steps.flatMap((step) => {
    const local = depth < 4 ? localActionSteps(workspace, step) : undefined;
    return [step, ...(local ? jobSteps(workspace, local, depth + 1) : [])];
  });
}

const literal = (v: unknown): string | undefined =>
  typeof v === 'string' && !v.includes('${{') ? v : undefined;

/** Whether a job reads a secret other than the run's own token, or may request an OIDC token. */
function credentialed(workflow: Workflow, job: Job): boolean {
  const text = JSON.stringify([job.value, workflow.env?.value ?? null]);
  if ([...text.matchAll(/secrets\s*\.\s*([\w-]+)|secrets\s*\[/g)].some((m) => m[1] !== 'GITHUB_TOKEN'))
    return true;
  const permissions = job.permissions ?? workflow.permissions;
  return (
    permissions?.shorthand?.value === 'write-all' ||
    (permissions?.scopes.some((s) => s.scope === 'id-token' && s.level.value === 'write') ?? false)
  );
}

/** What the repository's workflow jobs deploy (see {@link WorkflowDeploy}). */
export function workflowDeploys(workspace: Workspace): readonly WorkflowDeploy[] {
  return workspace.memo('workflow-deploys', '', () =>
    workflowSources(workspace).flatMap((source) =>
      source.kind === 'workflow' ? deploysOf(workspace, source) : [],
    ),
  );
}

/** What the jobs of one workflow deploy (see {@link WorkflowDeploy}), with the local actions they run. */
export function deploysOf(workspace: Workspace, source: Workflow): WorkflowDeploy[] {
  const out: WorkflowDeploy[] = [];
  for (const job of source.jobs) {
    const reading: JobReading = {
      cluster: [],
      host: [],
      createsLocalCluster: false,
      switchesContext: false,
      remoteDockerHost: false,
    };
    const jobDir =
      literal(job.defaults?.workingDirectory?.value) ?? literal(source.defaults?.workingDirectory?.value);
    const envText = JSON.stringify([source.env?.value ?? null, job.env?.value ?? null]);
    if (/"KUBECONFIG"/.test(envText)) reading.switchesContext = true;
    if (/"DOCKER_HOST"/.test(envText)) reading.remoteDockerHost = true;
    for (const step of jobSteps(workspace, job.steps)) {
      if (hasAction(LOCAL_CLUSTER_ACTIONS, step)) reading.createsLocalCluster = true;
      if (hasAction(CREDENTIAL_ACTIONS, step)) reading.switchesContext = true;
      const stepEnv = JSON.stringify(step.env?.value ?? null);
      if (/"KUBECONFIG"/.test(stepEnv)) reading.switchesContext = true;
      if (/"DOCKER_HOST"/.test(stepEnv)) reading.remoteDockerHost = true;
      const run = typeof step.run?.value === 'string' ? step.run.value : undefined;
      if (run === undefined) continue;
      const written = step.value['working-directory'];
      const dir = written === undefined ? (jobDir ?? '') : literal(written);
      const normalized =
        dir === undefined ? undefined : path.posix.normalize(dir.replace(/^\.\/?/, '') || '.');
      readCommands(
        workspace,
        {
          views: scriptCommands(run),
          dir:
            normalized === undefined || normalized.startsWith('..') || normalized.startsWith('/')
              ? undefined
              : normalized,
        },
        reading,
      );
    }
    const deploys = jobDeploys(job);
    // A cluster the job creates itself is a throw-away one whatever runs the job (a self-hosted
    // runner's kind cluster goes with the job too), unless a command reaches another.
    const throwaway = reading.createsLocalCluster && !reading.switchesContext;
    const reachesCluster = deploys || reading.switchesContext || credentialed(source, job);
    const paths = [
      ...(!throwaway && reachesCluster ? reading.cluster : []),
      ...(deploys || reading.remoteDockerHost ? reading.host : []),
    ];
    for (const to of new Set(paths))
      out.push({ from: source.path, to, job: `${source.path} (job ${job.id})` });
  }
  return out;
}
