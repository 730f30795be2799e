import { shellFunctionDefinitions } from '../../parsers/shell.js';
import { SHELLS, scriptCommands } from '../../parsers/shell-commands.js';
import type { Job, Step, Workflow } from '../../parsers/workflow.js';
import { localActionSteps } from '../../parsers/workflow.js';
import { CREDENTIAL_ACTIONS } from '../../parsers/workflow-deploys.js';
import type { Workspace } from '../../workspace/workspace.js';
import { actionPathOf } from './shared.js';

/**
 * When a job's or a step's name may stand for what it runs. A name ("Run e2e test") is a claim about
 * the steps, often copied with the job from another workflow: it counts only where a step runs
 * something whose work cannot be read here (a repository script, a make target, a program or an
 * action not known, a reusable workflow), and never where every step is understood and none performs
 * the activity: checkouts, setups and logins, teardown (`terraform destroy`), installs and text tools.
 */

/**
 * Actions known to perform no tests or analysis of their own: GitHub's checkout, cache, artifact and
 * Pages actions, any owner's `setup-*` action (it installs a tool), logins to a cloud, a cluster or a
 * registry, and runner hardening.
 */
const INERT_ACTION =
  /^(?:actions\/(?:checkout|cache(?:\/\w+)?|upload-artifact|download-artifact|labeler|stale|upload-pages-artifact|deploy-pages|configure-pages)|[\w.-]+\/setup-[\w.-]+|docker\/login-action|step-security\/harden-runner)$/;

/** Programs known to run no tests or analysis, whatever their arguments (but see {@link understood}). */
const INERT_PROGRAMS = new Set([
  // Shell builtins and keywords that run no program.
  ...[':', 'true', 'false', 'echo', 'printf', 'test', '[', '[[', 'exit', 'return', 'set', 'export'],
  ...['unset', 'local', 'declare', 'readonly', 'read', 'shift', 'cd', 'pushd', 'popd', 'pwd', 'sleep'],
  ...['wait', 'kill', 'trap', 'ulimit', 'umask', 'hash', 'type', 'which', 'date', 'whoami', 'uname'],
  // Files and text.
  ...['ls', 'mkdir', 'rm', 'rmdir', 'cp', 'mv', 'touch', 'chmod', 'chown', 'ln', 'tar', 'unzip', 'zip'],
  ...['gzip', 'gunzip', 'cat', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'sed', 'awk', 'gawk', 'jq'],
  ...['yq', 'cut', 'tr', 'sort', 'uniq', 'wc', 'tee', 'diff', 'base64', 'sha256sum', 'df', 'du'],
  ...['curl', 'wget', 'git', 'gh'],
  // Package managers of the system, and cloud command lines.
  ...['apt-get', 'apt', 'yum', 'dnf', 'apk', 'brew', 'aws', 'gcloud', 'gsutil', 'az'],
]);

/** Terraform (OpenTofu, Terragrunt) subcommands that test nothing: preparing, checking, tearing down. */
const INERT_TERRAFORM = new Set([
  ...['init', 'destroy', 'fmt', 'validate', 'plan', 'output', 'workspace', 'state', 'import', 'show'],
  ...['providers', 'version', 'refresh', 'get', 'login', 'logout', 'force-unlock', 'taint', 'untaint'],
]);

/**
 * Subcommands of other programs that run no tests: installs of dependencies (a lifecycle script of a
 * package is the package's), and registry chores.
 */
const INERT_SUBCOMMANDS: Record<string, ReadonlySet<string>> = {
  pip: new Set(['install']),
  pip3: new Set(['install']),
  npm: new Set(['ci', 'install', 'i']),
  yarn: new Set(['install']),
  pnpm: new Set(['install', 'i']),
  docker: new Set(['login', 'logout', 'pull', 'push', 'tag']),
};

/** Shells whose scripts are read as commands here. */
const READ_SHELLS = /^(?:bash|sh|pwsh|powershell)(?:\s|$)/;

/** How many composite actions of the repository deep a step is read. */
const LOCAL_ACTION_DEPTH = 3;

/**
 * Whether a step runs something whose work cannot be read here, so that a name may say what it is:
 * an action not known to be inert ({@link INERT_ACTION}), a composite action of the repository with
 * such a step (or one that cannot be read), a Docker image, a script of another language, or a
 * script with a command not understood ({@link understood}).
 */
export function opaqueStep(
  workspace: Workspace,
  step: Step,
  job: Job,
  workflow: Workflow,
  depth = 0,
): boolean {
  if (step.uses) {
    const path = actionPathOf(step.uses);
    if (
      path !== undefined &&
      (INERT_ACTION.test(path) || CREDENTIAL_ACTIONS.some((a) => path === a || path.startsWith(`${a}/`)))
    )
      return false;
    const local = depth < LOCAL_ACTION_DEPTH ? localActionSteps(workspace, step) : undefined;
    if (!local) return true;
    return local.some((s) => opaqueStep(workspace, s, job, workflow, depth + 1));
  }
  if (!step.run) return false;
  const shell = [step.shell, job.defaults?.shell, workflow.defaults?.shell].find((s) => s !== undefined);
  if (shell && !(typeof shell.value === 'string' && READ_SHELLS.test(shell.value.trim()))) return true;
  const script = step.run.value;
  const functions = new Set(shellFunctionDefinitions(script).map((w) => w.value));
  return scriptCommands(script).some((view) => {
    const word = view.command.words[view.nameIndex]?.value;
    if (word === undefined || functions.has(word)) return false;
    // A command substitution in the name's place: its commands are read on their own.
    if (/^(?:\$\(|`)/.test(word)) return false;
    return !understood(
      view.name,
      word,
      view.command.words.slice(view.nameIndex + 1).map((w) => w.value),
    );
  });
}

/**
 * Whether a command is known to run no tests or analysis: one of {@link INERT_PROGRAMS}, a shell given
 * a script to run (`bash -c '...'`, whose commands are read on their own), Terraform preparing,
 * checking or tearing down, or one of {@link INERT_SUBCOMMANDS}. A program named by a path
 * (`./ci/run.sh`) or by a variable, make, and any other program may do anything.
 */
function understood(name: string, word: string, args: readonly string[]): boolean {
  if (word.includes('/') || word.includes('$')) return false;
  if (INERT_PROGRAMS.has(name) || name === 'eval') return true;
  if (SHELLS.has(name)) return args.some((a) => /^-[a-z]*c[a-z]*$/.test(a));
  const operands = args.filter((a) => !a.startsWith('-'));
  if (name === 'terraform' || name === 'tofu' || name === 'terragrunt') {
    const sub = operands[0] === 'run-all' || operands[0] === 'run' ? operands[1] : operands[0];
    return sub !== undefined && INERT_TERRAFORM.has(sub);
  }
  return INERT_SUBCOMMANDS[name]?.has(operands[0] ?? '') === true;
}
