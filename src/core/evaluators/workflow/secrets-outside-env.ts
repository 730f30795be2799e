import { type ExprNode, type RefNode, references } from '../../parsers/expression.js';
import {
  type Job,
  type Step,
  WORKFLOW_GLOBS,
  type Workflow,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { linkedWorkflows, localCallers } from './callers.js';
import { nodes } from './condition-parts.js';
import { publishes, TEST_COMMAND } from './publishing.js';
import { secretNameKind } from './secret-names.js';
import { actionOf, actionPathOf, eventsOf, input, JOB_TOKEN_VALUE } from './shared.js';
import { firstRealCommand } from './shell.js';

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
 * credential (a token, key, password; not a host name or an ARN), one given to the credential input
 * of a registry or cloud login action (docker/login-action `password`, google-github-actions/auth
 * `credentials_json`, ...), a credential a step that signs
 * reads, or any secret of a job that publishes a release. The job's own token, jobs that call a
 * reusable workflow (which cannot name an environment), image pull credentials, presence tests
 * (`secrets.X != ''`), secrets whose name says they name or address something (`..._USERNAME`,
 * `..._ORG_NAME`, `..._IMAGE_NAME`, `..._CLIENT_ID`, a key held elsewhere `..._KEY_ID`; see
 * secret-names.ts) unless a login's credential input takes them, licence keys (by
 * name, or `<TOOL>_KEY` given to the tool's own action: {@link toolKey}) and
 * values given to inputs that take identifiers (a workload identity provider, a role to assume) are
 * left alone. A build secret of an image build (docker/build-push-action `secrets:`) authenticates
 * downloads during the build: it is judged by its name, not as a secret of the publishing job. A
 * name-only match is low in a job of a workflow pull requests run, in a job that runs tests and
 * neither deploys nor signs, and for signing keys a job only checks signatures with.
 */
export const workflowSecretsOutsideEnv = defineEvaluator<SecretsOutsideEnvOptions>({
  kind: 'workflow.secrets-outside-env',
  scope: 'file',
  // The workflows of this repository that call a reusable workflow, for the secrets they pass it.
  readsOtherFiles: WORKFLOW_GLOBS,
  affectedBy: linkedWorkflows,
  summary: 'Deployment and publishing secrets used by jobs that do not run in a GitHub environment.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      names: {
        type: 'string',
        format: 'regex',
        default:
          'deploy|prod|(?<![a-z])release|publish|aws|azure|gcp|gcloud|google_application|kube|k8s|ssh|sftp|ftp|heroku|vercel|netlify|cloudflare|fly_|digitalocean|firebase|npm_token|pypi|twine|cargo_registry|rubygems|gem_host|nuget|docker_?(?:hub_?)?(?:password|token|pat)|ghcr|quay|registry_(?:password|token)|gpg|signing|keystore|app_store|play_store|ossrh|sonatype|maven_(?:password|token)|terraform|tf_api',
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
      const p = job.steps.some((s) => publishes(s, job));
      publishers.set(job, p);
      return p;
    };
    const testers = new Map<Job, boolean>();
    const testingJob = (job: Job) => {
      const known = testers.get(job);
      if (known !== undefined) return known;
      const t = testsOnly(job);
      testers.set(job, t);
      return t;
    };
    walkWorkflows(
      workflowSources(workspace),
      {
        expression(expr, source, job, step) {
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
            // The password of a registry login or the key of a cloud login is a deployment credential by
            // where it goes, whatever it is called.
            const given = step ? credentialInput(step, expr.field) : undefined;
            const kind = secretNameKind(name);
            // What names or addresses something (a user name, an image's or an organisation's name, an
            // app's id, a key held elsewhere `..._KEY_ID`) or is a public key is no credential, in a
            // publishing job too, unless it is the whole value a login takes as its credential (not a
            // part of it: azure/login `creds` is a JSON of ids around the client's secret).
            if (kind === 'identifier' && !(given && step && wholeInput(step, expr.field, expr.raw))) continue;
            // Nor a stand-in for one (`DUMMY_ENCRYPTION_KEY`), which a test or a validation build gets.
            if (kind === 'stand-in') continue;
            // Nor is a tool's licence.
            if (LICENCE.test(name)) continue;
            // Nor the key a tool's own action is given to unlock it (`<TOOL>_KEY`), unless the tool's
            // name says it deploys.
            if (step && toolKey(step, expr.field, name, deployment)) continue;
            // Nor a value given to an input that takes an identifier, whatever the secret is called.
            if (step && identifierInput(step, expr.field)) continue;
            // A build secret authenticates what the image build downloads (a vendor's package
            // repository, a private module proxy), as image pull credentials do: it publishes nothing
            // itself, so the job's publishing does not make it a release credential. Its name still can.
            const publishing = publishingJob(job) && !(step && buildSecret(step, expr.field));
            const named = (deployment.test(name) && CREDENTIAL.test(name)) || given !== undefined;
            // A credential a step that signs reads is a signing credential, whatever its name says.
            const signing =
              !publishing && !named && CREDENTIAL.test(name) && (step ? [step] : job.steps).some(signs);
            if (!publishing && !named && !signing) continue;
            subjects.add(source.path);
            // In an environment: judged, and gated as it should be.
            if (job.environment) return;
            const once = `${source.path}\u0000${job.id}\u0000${name}`;
            if (seen.has(once)) continue;
            seen.add(once);
            const text = expr.inner.slice(ref.start, ref.end);
            const declared = passedIn(source, name);
            // A secret of the reusable workflow that none of its callers here passes: it is empty in
            // every run this repository starts; only a caller elsewhere could fill it in.
            const unpassed = declared && notPassedHere(workspace, source, name);
            // A secret of the reusable workflow that every caller here fills with the job's own token:
            // no environment can hold that token; only a caller elsewhere could pass a credential.
            const jobToken = declared && !unpassed && jobTokenHere(workspace, source, name);
            // An access key's id (`AWS_ACCESS_KEY_ID`) names the key; its secret beside it authenticates.
            const keyId = kind === 'key-id';
            // A publishing job's secret named for a scanning, coverage or chat service (`SNYK_TOKEN`,
            // `SLACK_WEBHOOK`) that its name does not tie to deploying, nor its input to a login: a
            // service token that publishes nothing, though every step given it can read it.
            const service = publishing && !named && SERVICE_SECRET.test(name);
            const what = publishing
              ? ' and publishes a release'
              : given && !(deployment.test(name) && CREDENTIAL.test(name))
                ? `, a deployment credential (the ${given})`
                : named
                  ? ', a deployment credential by its name'
                  : ', a signing credential (a step that signs reads it)';
            findings.push({
              message: declared
                ? `Job "${job.id}" reads ${text}${what}, without an environment: it is a secret of this reusable ` +
                  "workflow's callers (on.workflow_call.secrets), who can only pass it their repository or organisation " +
                  'secrets, available to every workflow on every branch. ' +
                  (unpassed
                    ? 'No workflow of this repository that calls it passes this secret, so it is empty in the runs ' +
                      'they start; a caller in another repository could still pass one. '
                    : jobToken
                      ? "Every workflow of this repository that calls it passes the job's own token " +
                        '(secrets.GITHUB_TOKEN), which no environment can hold; a caller in another repository could ' +
                        'still pass a credential. '
                      : '') +
                  (keyId ? ACCESS_KEY_ID_NOTE : '') +
                  'Give the job `environment:` with protection ' +
                  'rules and store the credential as a secret of that environment, which takes the place of the one passed in.'
                : `Job "${job.id}" reads ${text}${what}, ` +
                  'without an environment: as a repository or organisation secret it is available to every workflow on every ' +
                  'branch. ' +
                  (keyId ? ACCESS_KEY_ID_NOTE : '') +
                  (service
                    ? 'Its name says it is the token of a scanning, coverage or chat service, which publishes nothing. '
                    : '') +
                  'Store it as an environment secret and give the job `environment:` with protection rules.',
              location: expr.locate(ref.start, ref.end),
              key: `${job.id}/${name}`,
              // A publishing job's secrets are credentials for certain; a name is a strong hint, except
              // in a workflow that pull requests run: deployments do not run there, so a name-only match
              // is most often test infrastructure (a test machine's SSH key, a test corpus's bucket).
              // The same holds for a job that runs tests and neither deploys nor signs (on a push to any
              // branch, behind an ok-to-test dispatch, in a reusable workflow a test workflow calls):
              // an environment's protection rules would stop the tests on the branches they test. A key
              // that a job only verifies signatures with is a trust list more often than a signing key.
              // A secret no caller here passes holds nothing in the runs this repository starts.
              // The job's own token passed in by every caller here, or an access key's id, is no
              // credential an environment would hold: low.
              ...(unpassed || jobToken || keyId || service
                ? { confidence: 'low' as const }
                : publishing
                  ? { confidence: 'high' as const }
                  : !signing &&
                      (runsOnPullRequests(source) ||
                        testingJob(job) ||
                        (SIGNING_NAME.test(name) && verifiesOnly(job)))
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
 * A secret named for a scanning, coverage or chat service (one of its words, the first or after an
 * owner's or a purpose's prefix: `SLACK_WEBHOOK`, `ACME_SLACK_WEBHOOK`, `CI_CODECOV_TOKEN`):
 * a token such a service hands out to read results or post messages, not to publish or deploy. A name
 * that also says it deploys is judged by that first (`named`).
 */
const SERVICE_SECRET =
  /(?:^|[_-])(?:SNYK|SLACK|DISCORD|MSTEAMS|TEAMS|MATTERMOST|GITTER|CODECOV|COVERALLS|SONAR|SONARCLOUD|SONARQUBE|FOSSA|DEEPSOURCE|CODACY|GITGUARDIAN|SEMGREP)(?:[_-]|$)/i;

/** A step named for running tests: "Run tests", "Run e2e", "Integration test". */
const TEST_NAME = /(?<![a-z])(?:tests?|testing|e2e)(?![a-z])/i;
/** Commands that deploy or upload somewhere (clusters, clouds, hosts, buckets). */
const DEPLOY_COMMAND =
  /(?<![\w-])(?:kubectl\s+(?:apply|create|replace|patch|rollout|set\s+image)|helm\s+(?:upgrade|install|push)|(?:terraform|tofu|terragrunt)\s+(?:run-all\s+)?apply|pulumi\s+up|[\w-]+\s+deploy|[\w./-]*deploy[\w-]*\.(?:sh|py|ps1)|aws\s+s3\s+(?:cp|sync|mv)|gsutil\s+(?:cp|rsync|mv)|az\s+storage\s+blob\s+upload|rsync|scp|sftp|ansible-playbook)(?![\w-])/i;
/** A step name or an action that deploys, publishes or releases (an upload of test results does not). */
const DEPLOY_NAME = /deploy|publish|release/i;

/**
 * Whether a job runs tests and nothing else that needs a credential of a deployment: a step runs a
 * test command (or is named for tests and runs a script), and no step deploys, uploads, signs or is
 * named for a deployment or release. Publishing jobs are judged before this is asked.
 */
function testsOnly(job: Job): boolean {
  let tests = false;
  for (const step of job.steps) {
    const name = typeof step.name?.value === 'string' ? step.name.value : '';
    const script = typeof step.run?.value === 'string' ? step.run.value : undefined;
    if (DEPLOY_NAME.test(name) || DEPLOY_NAME.test(actionPathOf(step.uses) ?? '') || signs(step))
      return false;
    if (script && firstRealCommand(script, DEPLOY_COMMAND)) return false;
    if (script && (TEST_COMMAND.test(script) || TEST_NAME.test(name))) tests = true;
  }
  return tests;
}

/** Commands that sign (code, packages, tags, images); `codesign -dv` only displays a signature. */
const SIGN_COMMAND =
  /(?<![\w-])(?:gpg2?\s[^\n]*?(?:--(?:detach-|clear-?)?sign\b|\s-[a-z]*[sb][a-z]*(?=\s))|git\s+(?:tag\s[^\n]*?\s-[a-z]*s|commit\s[^\n]*?\s-S)|cosign\s+sign|ssh-keygen\s[^\n]*?-Y\s+sign|minisign\s[^\n]*?\s-S|codesign\s[^\n]*?(?:\s-s|--sign)\b|signtool\s+sign|jarsigner|apksigner\s+sign|rpm\s+--addsign|debsign|dpkg-sig|notation\s+sign|osslsigncode|rcodesign\s+sign)(?![\w-])/;
/** A step named for signing ("Sign binaries", "Notarize"), not for signing in. */
const SIGN_NAME =
  /(?<![a-z])(?:sign|signs|signing|notari[sz]e|notari[sz]ation)(?![a-z])(?![\s_-]*(?:in|on|up|off)(?![a-z]))/i;

/** Whether a step signs something: by its command or its name. */
function signs(step: Step): boolean {
  const name = typeof step.name?.value === 'string' ? step.name.value : '';
  const script = typeof step.run?.value === 'string' ? step.run.value : undefined;
  return (
    SIGN_NAME.test(name) || (script !== undefined && firstRealCommand(script, SIGN_COMMAND) !== undefined)
  );
}

/** Commands that check a signature (`git verify-tag`, `gpg --verify`, `cosign verify`). */
const VERIFY_COMMAND =
  /(?<![\w-])(?:git\s+(?:verify-tag|verify-commit)|gpgv|gpg2?\s[^\n]*?--verify|cosign\s+verify(?:-blob|-attestation)?|ssh-keygen\s[^\n]*?-Y\s+verify|minisign\s[^\n]*?\s-V|slsa-verifier|sigstore\s+verify)(?![\w-])/;
/** Names of signing material: a signing key, or the keys a signature is checked against. */
const SIGNING_NAME = /sign|gpg|pgp/i;

/** Whether a job checks signatures and signs nothing: the keys it reads are a trust list. */
function verifiesOnly(job: Job): boolean {
  return (
    job.steps.some((s) => typeof s.run?.value === 'string' && VERIFY_COMMAND.test(s.run.value)) &&
    !job.steps.some(signs)
  );
}

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
 * Whether the reusable workflow is called by workflows of this repository and none of them passes it
 * the secret `name` (by name under `secrets:`, or all of theirs with `secrets: inherit`). False when
 * nothing here calls it: its callers are elsewhere, and what they pass is not seen.
 */
function notPassedHere(workspace: Workspace, workflow: Workflow, name: string): boolean {
  const callers = localCallers(workspace, workflow.path).filter((c) => c.job?.uses);
  if (callers.length === 0) return false;
  const wanted = name.toLowerCase();
  return callers.every(({ job }) => {
    const passed = job!.secrets?.value;
    if (typeof passed === 'string') return passed.trim() !== 'inherit';
    if (!passed || typeof passed !== 'object' || Array.isArray(passed)) return true;
    return !Object.keys(passed).some((k) => k.toLowerCase() === wanted);
  });
}

/**
 * Whether the reusable workflow is called by workflows of this repository and every one of them passes
 * the secret `name` as the job's own token (`secrets.GITHUB_TOKEN`, `github.token`). False when
 * nothing here calls it, or any caller passes something else or everything (`secrets: inherit`).
 */
function jobTokenHere(workspace: Workspace, workflow: Workflow, name: string): boolean {
  const callers = localCallers(workspace, workflow.path).filter((c) => c.job?.uses);
  if (callers.length === 0) return false;
  const wanted = name.toLowerCase();
  return callers.every(({ job }) => {
    const passed = job!.secrets?.value;
    if (!passed || typeof passed !== 'object' || Array.isArray(passed)) return false;
    const value = Object.entries(passed).find(([k]) => k.toLowerCase() === wanted)?.[1];
    return typeof value === 'string' && JOB_TOKEN_VALUE.test(value);
  });
}

const ACCESS_KEY_ID_NOTE =
  "Its name says it is an access key's id, which authenticates nothing without the secret key beside it " +
  '(reported on its own when it is read). ';

/**
 * Inputs of cloud login actions that take identifiers, not credentials (`owner/repo` -> inputs): the
 * workload identity provider and service account that google-github-actions/auth federates the job's
 * OIDC token with, the role aws-actions/configure-aws-credentials assumes, the application, tenant
 * and subscription azure/login signs in to, the user name (an access key's id for a registry of a
 * cloud) a registry login signs in as and the access key id beside its secret key. The value
 * authenticates nothing without the credential given beside it, whatever the secret holding it is
 * called; the credential inputs beside them (`credentials_json`, `aws-secret-access-key`,
 * `creds`) are not listed.
 */
const IDENTIFIER_INPUTS: Record<string, ReadonlySet<string>> = {
  'google-github-actions/auth': new Set(['workload_identity_provider', 'service_account', 'project_id']),
  'aws-actions/configure-aws-credentials': new Set([
    'role-to-assume',
    'aws-region',
    'role-session-name',
    'aws-access-key-id',
  ]),
  'azure/login': new Set(['client-id', 'tenant-id', 'subscription-id']),
  'docker/login-action': new Set(['username', 'registry']),
  'redhat-actions/podman-login': new Set(['username', 'registry']),
  'azure/docker-login': new Set(['username', 'login-server']),
};

/**
 * Inputs of registry and cloud login actions that take the credential itself (`owner/repo` ->
 * inputs): a registry password (or token), a service account key, an access key's secret, a
 * service principal's credentials.
 */
const CREDENTIAL_INPUTS: Record<string, ReadonlySet<string>> = {
  'docker/login-action': new Set(['password']),
  'redhat-actions/podman-login': new Set(['password']),
  'azure/docker-login': new Set(['password']),
  'google-github-actions/auth': new Set(['credentials_json']),
  'aws-actions/configure-aws-credentials': new Set(['aws-secret-access-key', 'aws-session-token']),
  'azure/login': new Set(['creds']),
};

/** What an expression is given to when it is (in) an input that takes a credential: `password of docker/login-action`. */
function credentialInput(step: Step, field: readonly string[]): string | undefined {
  const action = actionOf(step.uses);
  const inputs = action ? CREDENTIAL_INPUTS[action] : undefined;
  const name = (field[1] ?? '').toLowerCase();
  return inputs !== undefined && field[0] === 'with' && inputs.has(name) ? `${name} of ${action}` : undefined;
}

/** Whether an expression (its whole `${{ }}`) is all of the value of the step input at `field`. */
function wholeInput(step: Step, field: readonly string[], raw: string): boolean {
  if (field[0] !== 'with' || field.length !== 2) return false;
  const node = input(step, (field[1] ?? '').toLowerCase());
  return typeof node?.value === 'string' && node.value.trim() === raw.trim();
}

/** Whether an expression is (in) the value of an input that takes an identifier. */
function identifierInput(step: Step, field: readonly string[]): boolean {
  const action = actionOf(step.uses);
  const inputs = action ? IDENTIFIER_INPUTS[action] : undefined;
  return inputs !== undefined && field[0] === 'with' && inputs.has((field[1] ?? '').toLowerCase());
}

/**
 * Whether an expression is a build secret of docker/build-push-action: a value in its `secrets:`
 * input (`id=value` lines BuildKit mounts into the build's `RUN --mount=type=secret`), or a step
 * variable that its `secret-envs:` input names (`id=VARIABLE`).
 */
function buildSecret(step: Step, field: readonly string[]): boolean {
  if (actionOf(step.uses) !== 'docker/build-push-action') return false;
  if (field[0] === 'with') return (field[1] ?? '').toLowerCase() === 'secrets';
  if (field[0] !== 'env' || field[1] === undefined) return false;
  const envs = input(step, 'secret-envs')?.value;
  if (typeof envs !== 'string') return false;
  return envs.split(/[\n,]/).some(
    (line) =>
      line
        .split('=')
        .slice(1)
        .join('=')
        .trim()
        .replace(/^["']|["']$/g, '') === field[1],
  );
}

/** A tool's licence key (`..._LICENSE`, `..._LICENCE_KEY`): it unlocks the tool, it deploys nothing. */
const LICENCE = /(?:^|_)LICEN[CS]E(?:_?KEY)?$/i;

/** `<TOOL>_KEY`, `<TOOL>_LICENSE_KEY`: the key of one tool, named by it alone. */
const TOOL_KEY = /^([A-Z][A-Z0-9]*)_(?:LICEN[CS]E_?)?KEY$/i;
/** Inputs through which an action takes its tool's licence key. */
const LICENCE_INPUTS = new Set([
  'key',
  'license',
  'licence',
  'license-key',
  'licence-key',
  'license_key',
  'licence_key',
]);

/**
 * Whether an expression gives a step the key of the tool whose own action the step runs: a secret
 * named `<TOOL>_KEY` (or `<TOOL>_LICENSE_KEY`), where `<TOOL>` is the action's owner or repository
 * name (`acme/acme-action`, without `-action`), in the step's variable of the same name or in its
 * `key` or `license` input. That is how a commercial edition of a tool takes its licence key: it
 * unlocks the tool, it deploys nothing. Not when the tool's name says it deploys or publishes (the
 * `names` pattern: a cloud, a registry), whose key is then an API key of that service; nor a key of
 * another tool given to the step (`<OTHER>_KEY`), nor one qualified further (`..._API_KEY`,
 * `..._SSH_KEY`, `..._DEPLOY_KEY`).
 */
function toolKey(step: Step, field: readonly string[], name: string, deployment: RegExp): boolean {
  const tool = TOOL_KEY.exec(name)?.[1]?.toLowerCase();
  const action = actionOf(step.uses);
  if (!tool || !action || deployment.test(tool)) return false;
  const into =
    (field[0] === 'env' && (field[1] ?? '').toLowerCase() === name.toLowerCase()) ||
    (field[0] === 'with' && LICENCE_INPUTS.has((field[1] ?? '').toLowerCase()));
  if (!into) return false;
  const [owner, repo] = action.split('/') as [string, string];
  const bare = (s: string) => s.replace(/(?:^actions?[-_.]|[-_.]actions?$)/g, '').replace(/[^a-z0-9]/g, '');
  return bare(owner) === tool || bare(repo) === tool;
}

/**
 * Words that say a secret is a credential (a token, a key, a certificate), asked of names the shared
 * classifier (secret-names.ts) has not read as an identifier: with a word of `names`, the secret is a
 * deployment credential by its name; read by a step that signs, a signing credential.
 */
const CREDENTIAL =
  /token|key|secret|passw|pass$|passphrase|pat$|credential|auth|cert|private|kubeconfig|json|p12|pfx/i;

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
