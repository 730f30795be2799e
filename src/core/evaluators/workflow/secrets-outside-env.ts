import { type ExprNode, type RefNode, references } from '../../parsers/expression.js';
import { type Job, type Workflow, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { nodes } from './condition-parts.js';
import { publishes } from './publishing.js';
import { eventsOf } from './shared.js';

export interface SecretsOutsideEnvOptions {
  /** Regular expression (case-insensitive) on secret names that hold deployment credentials. */
  names: string;
}

/**
 * Repository and organisation secrets reach every job of every workflow on every branch; a secret
 * stored in a GitHub environment reaches only jobs that name the environment, after its protection
 * rules (reviewers, protected branches) allow them. Deployment credentials belong in an environment.
 * Reported at the first use of each such secret in a job without `environment:`: a secret whose name
 * says it deploys or publishes (cloud, registry, signing, SSH keys; see `names`) and that it is a
 * credential (a token, key, password; not a host name or an ARN), or any secret of a job that
 * publishes a release. The job's own token, jobs that call a reusable workflow (which cannot name an
 * environment), image pull credentials and presence tests (`secrets.X != ''`) are left alone.
 */
export const workflowSecretsOutsideEnv = defineEvaluator<SecretsOutsideEnvOptions>({
  kind: 'workflow.secrets-outside-env',
  scope: 'file',
  summary: 'Deployment and publishing secrets used by jobs that do not run in a GitHub environment.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      names: {
        type: 'string',
        format: 'regex',
        default:
          'deploy|prod|release|publish|aws|azure|gcp|gcloud|google_application|kube|k8s|ssh|sftp|ftp|heroku|vercel|netlify|cloudflare|fly_|digitalocean|firebase|npm_token|pypi|twine|cargo_registry|rubygems|gem_host|nuget|docker(?:hub)?_(?:password|token)|registry_(?:password|token)|gpg|signing|keystore|app_store|play_store|ossrh|sonatype|maven_(?:password|token)|terraform|tf_api',
      },
    },
  },
  evaluate({ options, workspace }) {
    const deployment = new RegExp(options.names, 'i');
    const findings: RawFinding[] = [];
    const seen = new Set<string>();
    // Its subjects are the jobs that read deployment or publishing secrets, in an environment or not:
    // a repository whose workflows read none had nothing to judge.
    const subjects = new Set<string>();
    // Whether a job publishes, asked for each of its expressions: computed once per job.
    const publishers = new Map<Job, boolean>();
    const publishingJob = (job: Job) => {
      const known = publishers.get(job);
      if (known !== undefined) return known;
      const p = job.steps.some(publishes);
      publishers.set(job, p);
      return p;
    };
    walkWorkflows(
      workflowSources(workspace),
      {
        expression(expr, source, job) {
          if (source.kind !== 'workflow' || !job || job.uses) return;
          if (!/secrets/i.test(expr.inner) || !expr.parsed.ok) return;
          // Credentials for pulling a job's images are not deployment credentials.
          if (/\/(container|services)\//.test(expr.pointer)) return;
          const compared = comparedRefs(expr.parsed.node);
          for (const ref of references(expr.parsed.node)) {
            const name = ref.path[0] === 'secrets' ? ref.path[1] : undefined;
            if (!name || name === 'github_token' || name === '*' || name === '?') continue;
            // `secrets.X != ''` tests whether the secret is set; its value goes nowhere.
            if (compared.has(ref)) continue;
            // A user name, an identifier or a public key is no credential, in a publishing job too.
            if (NOT_CREDENTIAL.test(name) && !CREDENTIAL.test(name.replace(NOT_CREDENTIAL, ''))) continue;
            const publishing = publishingJob(job);
            if (!publishing && !(deployment.test(name) && CREDENTIAL.test(name))) continue;
            subjects.add(source.path);
            // In an environment: judged, and gated as it should be.
            if (job.environment) return;
            const once = `${source.path}\u0000${job.id}\u0000${name}`;
            if (seen.has(once)) continue;
            seen.add(once);
            const text = expr.inner.slice(ref.start, ref.end);
            const what = publishing ? ' and publishes a release' : ', a deployment credential by its name';
            findings.push({
              message: passedIn(source, name)
                ? `Job "${job.id}" reads ${text}${what}, without an environment: it is a secret of this reusable ` +
                  "workflow's callers (on.workflow_call.secrets), who can only pass it their repository or organisation " +
                  'secrets, available to every workflow on every branch. Give the job `environment:` with protection ' +
                  'rules and store the credential as a secret of that environment, which takes the place of the one passed in.'
                : `Job "${job.id}" reads ${text}${what}, ` +
                  'without an environment: as a repository or organisation secret it is available to every workflow on every ' +
                  'branch. Store it as an environment secret and give the job `environment:` with protection rules.',
              location: expr.locate(ref.start, ref.end),
              key: `${job.id}/${name}`,
              // A publishing job's secrets are credentials for certain; a name is a strong hint, except
              // in a workflow that pull requests run: deployments do not run there, so a name-only match
              // is most often test infrastructure (a test machine's SSH key, a test corpus's bucket).
              ...(publishing
                ? { confidence: 'high' as const }
                : runsOnPullRequests(source)
                  ? { confidence: 'low' as const }
                  : {}),
            });
          }
        },
      },
      workspace,
    );
    workspace.examineOnly(subjects);
    return findings;
  },
});

/**
 * Whether pull requests (or the merge queue) run the workflow to test a change; its jobs then test
 * rather than deploy. `pull_request_target` is not counted: it runs with the repository's secrets.
 */
function runsOnPullRequests(workflow: Workflow): boolean {
  const events = eventsOf(workflow);
  return events.has('pull_request') || events.has('merge_group');
}

/**
 * Whether the secret is one a reusable workflow declares under `on.workflow_call.secrets`: its callers
 * fill it in, and a caller's job (which calls a workflow) cannot name an environment, so what they pass
 * is a repository or organisation secret. An environment secret of the same name, on the called job,
 * takes its place.
 */
function passedIn(workflow: Workflow, name: string): boolean {
  const call = workflow.on?.events.find((t) => t.event === 'workflow_call')?.config?.value;
  const secrets = call && typeof call === 'object' ? (call as Record<string, unknown>).secrets : undefined;
  if (!secrets || typeof secrets !== 'object' || Array.isArray(secrets)) return false;
  return Object.keys(secrets).some((k) => k.toLowerCase() === name.toLowerCase());
}

/**
 * A name that ends in what identifies or addresses rather than authenticates (`QUAY_BOT_USERNAME`,
 * `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`, `SSH_PUBLIC_KEY`, `REGISTRY_URL`): left alone unless the
 * rest of the name still names a credential (`AWS_ACCESS_KEY_ID`, which goes with its secret key).
 */
const NOT_CREDENTIAL =
  /(?:^|_)(?:USER|USERNAME|USER_NAME|LOGIN|EMAIL|ACTOR|OWNER|ORG|ORGANI[SZ]ATION|ACCOUNT|ACCOUNT_ID|TENANT_ID|CLIENT_ID|SUBSCRIPTION_ID|PROJECT_ID|APP_ID|ID|HOST|HOSTNAME|URL|URI|ENDPOINT|REGION|ZONE|PUBLIC_KEY|PUBKEY|KNOWN_HOSTS|FINGERPRINT)$/i;

/** Words that make a secret's name a credential rather than a setting (a host, an ARN, a region). */
const CREDENTIAL = /token|key|secret|passw|pass$|pat$|credential|auth|cert|private|kubeconfig|json|p12|pfx/i;

/** References that are operands of a comparison (their value is compared, not used). */
function comparedRefs(node: ExprNode | undefined): Set<RefNode> {
  const out = new Set<RefNode>();
  if (!node) return out;
  for (const n of nodes(node)) {
    if (n.kind !== 'compare') continue;
    for (const side of [n.left, n.right]) if (side.kind === 'ref') out.add(side);
  }
  return out;
}
