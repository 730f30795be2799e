import type { Job, LocatedMap, Step, Workflow } from '../../parsers/workflow.js';
import { commandsOf, programName } from './commands.js';
import { actionOf, actionPathOf } from './shared.js';

/**
 * Whether a job can use its GITHUB_TOKEN for anything but reading the repository. Deliberately
 * one-sided: a job is "read-only" only when every step is a script that neither names a token nor runs
 * a command that writes to GitHub, or an action known to only read (checkout, setup-*, caches,
 * artifacts). Any other action could use the token it receives by default, so it counts as a writer;
 * this keeps "write scope not needed" findings free of false positives.
 */

/** Actions (owner/repo, or owner/repo/path) that never write to the repository through the token. */
const READ_ONLY_ACTIONS = new Set([
  'actions/checkout',
  'actions/setup-node',
  'actions/setup-python',
  'actions/setup-go',
  'actions/setup-java',
  'actions/setup-dotnet',
  'actions/cache',
  'actions/cache/restore',
  'actions/cache/save',
  'actions/upload-artifact',
  'actions/download-artifact',
  'actions/dependency-review-action',
  'ruby/setup-ruby',
  'pnpm/action-setup',
  'oven-sh/setup-bun',
  'denoland/setup-deno',
  'astral-sh/setup-uv',
  'dtolnay/rust-toolchain',
  'swatinem/rust-cache',
  'docker/setup-buildx-action',
  'docker/setup-qemu-action',
  'hashicorp/setup-terraform',
  'azure/setup-helm',
  'azure/setup-kubectl',
  'shivammathur/setup-php',
  'erlef/setup-beam',
  'haskell-actions/setup',
  'gradle/actions/setup-gradle',
  'extractions/setup-just',
  'taiki-e/install-action',
]);

/**
 * Script text that uses a token or writes to GitHub: pushes (also through tools that push, such as
 * `mkdocs gh-deploy`), releases, API calls, and publishing tools that authenticate with the job's
 * OIDC token (trusted publishing, keyless signing).
 */
const WRITES =
  /GITHUB_TOKEN|GH_TOKEN|github\.token|ACTIONS_(?:RUNTIME|ID_TOKEN_REQUEST)_(?:TOKEN|URL)|api\.github\.com|\bgh\s|\bhub\s|\bgit\s+(?:-c\s+\S+\s+)*(?:push|tag)\b|\b(?:npm|yarn|pnpm)\s+publish\b|\bdocker\s+push\b|semantic-release|goreleaser|changeset|\b(?:uv|pdm|hatch|poetry|flit|cargo)\s+publish\b|\btwine\s+upload\b|\bgem\s+push\b|\bcosign\s+(?:sign|attest)|\bgh-deploy\b|\bmike\s+deploy\b|\bghp-import\b|pkg-pr-new/;

/**
 * A script file of the repository run by path or through an interpreter: what it does is not visible
 * here (it may push with the credentials a checkout persisted), so it counts as a possible writer.
 */
const SCRIPT_FILE =
  /(?:^|[\s;&|(])(?:\.{1,2}\/[\w./-]+|(?:bash|sh|zsh|python3?|node|ruby|perl|pwsh|deno\s+run|bun|tsx)\s+[\w./-]+\.\w+|[\w./-]+\.(?:sh|bash|py|rb|js|mjs|cjs|ts|ps1))(?![\w.-])/m;

/** Why a job may need write scopes (the first step that can write), or undefined when it only reads. */
export function tokenWriter(job: Job, workflow: Workflow): string | undefined {
  if (job.uses) return `it calls the reusable workflow "${job.uses.value}"`;
  if (mentionsToken(workflow.env) || mentionsToken(job.env)) return 'its env: passes a token to every step';
  for (const step of job.steps) {
    const why = stepWriter(step);
    if (why) return why;
  }
  return undefined;
}

/**
 * Shell builtins and utilities that only print, test, wait or set the shell's own state: they run no
 * other program and read no file of the repository, so nothing in them can reach the token.
 */
const INERT_COMMANDS = new Set([
  'echo',
  'printf',
  'true',
  'false',
  ':',
  'exit',
  'sleep',
  'date',
  'pwd',
  'cd',
  'test',
  '[',
  '[[',
  'set',
  'export',
  'unset',
  'write-host',
  'write-output',
]);

/** Shells whose `echo`, `test` and the like are the builtins above. */
const INERT_SHELLS = /^(?:bash|sh|pwsh|powershell)$/;

/**
 * Whether nothing a job runs can use its token, whatever it is granted: no action (even one known to
 * only read runs code of its own, and a checkout leaves the token in `.git/config`), no reusable
 * workflow, container or service, no token given, and every step a script of the commands above, with
 * no substitution (`$(...)`, backticks), no value of the run written into it (`${{ }}`) and a shell
 * that reads it as such. Narrower than {@link tokenWriter}, which lets a build run: a compromised
 * dependency of a build can still use the token it finds.
 */
export function inertJob(job: Job, workflow: Workflow): boolean {
  if (job.uses || job.container || job.services.length > 0 || job.steps.length === 0) return false;
  if (tokenWriter(job, workflow)) return false;
  return job.steps.every((step) => {
    if (!step.run || step.uses) return false;
    const shell = [step.shell, job.defaults?.shell, workflow.defaults?.shell].find((s) => s !== undefined);
    if (shell && (typeof shell.value !== 'string' || !INERT_SHELLS.test(shell.value.trim()))) return false;
    const script = step.run.value;
    if (/\$\(|`|<\(|>\(|\$\{\{/.test(script)) return false;
    return commandsOf(script).every((c) => {
      const name = programName(c);
      return name === undefined || INERT_COMMANDS.has(name);
    });
  });
}

function stepWriter(step: Step): string | undefined {
  if (mentionsToken(step.env) || mentionsToken(step.with)) return `step ${label(step)} is given a token`;
  if (step.run) {
    if (WRITES.test(step.run.value)) return `step ${label(step)} uses the token or pushes`;
    return SCRIPT_FILE.test(step.run.value) ? `step ${label(step)} runs a repository script` : undefined;
  }
  if (step.uses) {
    const path = actionPathOf(step.uses);
    const repo = actionOf(step.uses);
    if (path && repo && (READ_ONLY_ACTIONS.has(path) || READ_ONLY_ACTIONS.has(repo))) return undefined;
    return `step ${label(step)} uses ${step.uses.value}, which can use the token`;
  }
  return undefined;
}

function mentionsToken(map: LocatedMap | undefined): boolean {
  if (!map) return false;
  for (const v of map.entries.values()) {
    if (typeof v.value === 'string' && /github\.token|secrets\.GITHUB_TOKEN/i.test(v.value)) return true;
  }
  return false;
}

function label(step: Step): string {
  const name = step.name?.value ?? step.id?.value;
  return typeof name === 'string' ? `"${name}"` : `#${step.index + 1}`;
}
