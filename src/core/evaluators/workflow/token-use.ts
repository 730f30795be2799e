import { excludesFolder } from '../../parsers/dockerignore.js';
import { shellFunctionsInForce } from '../../parsers/shell.js';
import { type CommandView, scriptCommands } from '../../parsers/shell-commands.js';
import type { Job, LocatedMap, Step, Workflow } from '../../parsers/workflow.js';
import type { Workspace } from '../../workspace/workspace.js';
import { givenJobToken } from './scopes.js';
import { memoByScript } from './script-memo.js';
import { actionOf, actionPathOf, input, isFalse, JOB_TOKEN } from './shared.js';

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
  'local',
  'read',
  'return',
  'shift',
  'write-host',
  'write-output',
]);

/**
 * Programs that fetch, read, compare or edit text and run no other program, as long as what they are
 * told to do is written in the step ({@link runsOther}): a watch job that downloads a page and diffs it
 * against a baseline runs no code but theirs.
 */
const TEXT_TOOLS = new Set([
  'curl',
  'wget',
  'cat',
  'head',
  'tail',
  'grep',
  'egrep',
  'fgrep',
  'sed',
  'awk',
  'gawk',
  'mawk',
  'jq',
  'diff',
  'cmp',
  'comm',
  'sort',
  'uniq',
  'wc',
  'cut',
  'tr',
  'paste',
  'base64',
  'sha256sum',
  'sha1sum',
  'md5sum',
  'tee',
]);

/** Shells whose `echo`, `test` and the like are the builtins above. */
const INERT_SHELLS = /^(?:bash|sh|pwsh|powershell)$/;

/** What the steps of a job that cannot use its token do (see {@link inertJob}). */
export interface Inert {
  /** A step checks the repository out with actions/checkout. */
  checkout: boolean;
  /** A step runs shell commands. */
  commands: boolean;
  /** A step builds a container image from a context that leaves `.git` out ({@link imageBuilds}). */
  image: boolean;
}

/**
 * Whether nothing a job runs can use its token, whatever it is granted, and what its steps do then:
 * no reusable workflow, container or service, no token or secret given, no action but
 * actions/checkout (GitHub's own, which fetches with the token and runs nothing of the repository's),
 * and every other step a script of a shell that reads it as such, with no value of the run written
 * into it (`${{ }}`), that runs only the commands above and the shell functions it defines
 * (substitutions included) and writes no `$GITHUB_ENV` or `$GITHUB_PATH`, which change what later
 * steps run. Narrower than {@link tokenWriter}, which lets a build run: a compromised dependency of a
 * build can still use the token it finds (in `.git/config` after a checkout, or in the runner).
 * Like it, no script may name a token or a command that writes to GitHub (an OIDC token request
 * included). Given the workspace, a script may also build a container image whose context leaves out
 * the `.git` folder the checkout keeps the token in ({@link imageBuilds}): the build runs the
 * Dockerfile's commands in containers that see only that context.
 */
export function inertJob(job: Job, workflow: Workflow, workspace?: Workspace): Inert | undefined {
  if (job.uses || job.container || job.services.length > 0 || job.steps.length === 0) return undefined;
  if ([workflow.env, job.env].some((env) => mentionsSecret(env) || loadsCode(env))) return undefined;
  const found: Inert = { checkout: false, commands: false, image: false };
  for (const step of job.steps) {
    if (mentionsSecret(step.env) || mentionsSecret(step.with) || loadsCode(step.env)) return undefined;
    // A repository script is a program {@link runsOther} does not let run; a file name in a message
    // it prints is none.
    if (step.run && WRITES.test(step.run.value)) return undefined;
    if (step.uses && !step.run && actionPathOf(step.uses) === 'actions/checkout') {
      found.checkout = true;
      continue;
    }
    if (!step.run || step.uses) return undefined;
    const images = workspace ? imageBuilds(workspace, job, workflow, step) : undefined;
    if (!inertShell(step, job, workflow) || runsOther(step.run.value, images ? { allow: images.allow } : {}))
      return undefined;
    if (images?.seen()) found.image = true;
    else found.commands = true;
  }
  return found;
}

/**
 * Environment variables that make the shell, git or any program load code from a path (a file of
 * the checked-out tree): `BASH_ENV`, `PATH`, `LD_PRELOAD`, git's own settings.
 */
const LOADS_CODE = /^(?:BASH_ENV|ENV|PATH|LD_PRELOAD|LD_LIBRARY_PATH|GIT_\w+)$/i;

/** Whether an `env:` sets a variable of {@link LOADS_CODE}: then the inert commands may run a file. */
export function loadsCode(env: LocatedMap | undefined): boolean {
  return [...(env?.entries.keys() ?? [])].some((k) => LOADS_CODE.test(k));
}

/** The checkouts of a job leave `.git` at the workspace's root only (none is given a `path:`). */
function gitAtRoot(job: Job): boolean {
  return !job.steps.some((s) => actionOf(s.uses) === 'actions/checkout' && input(s, 'path'));
}

/** Options of `docker build` taken as they come: what they set stays in the image or the output. */
const BUILD_VALUE_OPTIONS = new Set([
  '-t',
  '--tag',
  '-f',
  '--file',
  '--platform',
  '--target',
  '--label',
  '--progress',
  '--build-arg',
]);
const BUILD_FLAGS = new Set(['--pull', '--no-cache', '-q', '--quiet', '--load', '--rm', '--force-rm']);

/**
 * For a step's script: a test of its commands that accepts a container image build (`docker build`,
 * `docker buildx build`, `docker image build`) whose context is a folder of the workspace from which
 * `.git` is left out: a subfolder (the checkout's `.git` is at the root), or the root with an ignore
 * file (`<Dockerfile>.dockerignore` beside the Dockerfile, else the context's `.dockerignore`) that
 * excludes `.git` and all in it. Only the options above are taken, with no expansion in any word
 * (`--build-arg T=$(cat .git/config)` would hand the token in), the working directory must be known
 * (no `cd` in the script, no expression in `working-directory:`) and the job's checkouts must leave
 * `.git` at the root. `seen` tells whether a build was accepted.
 */
function imageBuilds(
  workspace: Workspace,
  job: Job,
  workflow: Workflow,
  step: Step,
): { allow: (view: CommandView) => boolean; seen: () => boolean } | undefined {
  const script = step.run?.value;
  if (!script || !/\bdocker\b/.test(script) || !gitAtRoot(job)) return undefined;
  const dir = [
    step.value['working-directory'],
    job.defaults?.workingDirectory?.value,
    workflow.defaults?.workingDirectory?.value,
  ].find((d) => d !== undefined);
  const cwd = dir === undefined ? '' : typeof dir === 'string' ? relativePath('', dir) : undefined;
  if (cwd === undefined) return undefined;
  if (scriptCommands(script).some((v) => ['cd', 'pushd', 'popd'].includes(v.name))) return undefined;
  let seen = false;
  const allow = (view: CommandView): boolean => {
    if (view.name !== 'docker') return false;
    const ok = buildLeavesGitOut(workspace, view, cwd);
    seen ||= ok;
    return ok;
  };
  return { allow, seen: () => seen };
}

function buildLeavesGitOut(workspace: Workspace, view: CommandView, cwd: string): boolean {
  const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  const start =
    words[0] === 'build'
      ? 1
      : (words[0] === 'buildx' || words[0] === 'image') && words[1] === 'build'
        ? 2
        : 0;
  if (start === 0 || words.some((w) => /[$`]/.test(w))) return false;
  const positional: string[] = [];
  let file: string | undefined;
  for (let i = start; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w === '-') {
      positional.push(w);
      continue;
    }
    const [name, inline] =
      w.startsWith('--') && w.includes('=')
        ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]
        : [w, undefined];
    if (BUILD_FLAGS.has(name!)) continue;
    if (!BUILD_VALUE_OPTIONS.has(name!)) return false;
    const value = inline ?? words[++i];
    if (value === undefined) return false;
    if (name === '-f' || name === '--file') file = value;
  }
  if (positional.length !== 1) return false;
  const context = relativePath(cwd, positional[0]!);
  if (context === undefined) return false;
  // A subfolder's context cannot hold the `.git` at the root.
  if (context !== '') return true;
  const dockerfile = file === undefined ? 'Dockerfile' : relativePath(cwd, file);
  if (dockerfile === undefined) return false;
  const beside = `${dockerfile}.dockerignore`;
  const ignore = workspace.has(beside) ? beside : '.dockerignore';
  const text = workspace.has(ignore) ? workspace.text(ignore) : undefined;
  return text !== undefined && excludesFolder(text, '.git');
}

/**
 * A relative path resolved against a folder of the workspace (`''` for its root), or undefined when
 * it is absolute, a URL, stdin, holds an expression, or leaves the workspace.
 */
export function relativePath(base: string, path: string): string | undefined {
  if (path === '-' || /^(?:\/|~|[a-z][\w+.-]*:|git@)|\$\{\{/i.test(path)) return undefined;
  const parts = base === '' ? [] : base.split('/');
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/**
 * Whether a script may run a program other than {@link INERT_COMMANDS}, {@link TEXT_TOOLS} and the
 * functions it defines before calling them (parsed definitions, by exact name: a comment, a string
 * or a heredoc defines none), or have a later step run one: a command named by path (`./echo` is a file of
 * the repository), a text tool told to take its program from a file (`awk -f`, `sed -f`, `curl -K`) or
 * to run commands (awk's `system()`, pipes and `getline`, sed's `e`, sort's `--compress-program`), a
 * heredoc that substitutes commands (its body is not read as commands), an arithmetic expansion, an
 * expression of the run, or a write to `$GITHUB_ENV` or `$GITHUB_PATH`.
 */
function runsOther(script: string, options: InertOptions = {}): boolean {
  const from = options.after?.[1] ?? 0;
  if (/\$\{\{|\$\(\(|GITHUB_(?:ENV|PATH)\b/.test(script.slice(from))) return true;
  const functions = definedBefore(script);
  // What runs before the command `after` names is set aside, unless it can run again after it (a
  // loop, a trap, a function).
  const before = options.after
    ? /\b(?:for|while|until|trap|function)\b|\(\s*\)\s*\{/.test(script.slice(0, options.after[0]))
      ? 0
      : options.after[0]
    : 0;
  return scriptCommands(script).some((view) => {
    const { command, name, nameIndex } = view;
    if (options.after) {
      const [start, end] = options.after;
      if (command.start < before || (command.start < end && command.end > start)) return false;
    }
    for (const r of command.redirects) {
      if (r.body && !r.target?.quoted && /\$\(|`/.test(script.slice(r.body[0], r.body[1]))) return true;
    }
    if (name === '') return false;
    if (command.words[nameIndex]!.value.includes('/')) return true;
    if (options.allow?.(view)) return false;
    const lower = name.toLowerCase();
    if (INERT_COMMANDS.has(lower)) return false;
    // A function the script defined before this command, called by its name (a wrapper such as
    // `sudo`, `env` or `command` runs the program of that name instead): its body is read as commands.
    const defined = nameIndex === view.bodyIndex ? functions.get(command.words[nameIndex]!.value) : undefined;
    if (defined !== undefined && defined < command.start) return false;
    const args = command.words.slice(nameIndex + 1).map((w) => w.value);
    if (lower === 'git' && options.readGit) return !READ_ONLY_GIT.has(args[0] ?? '');
    if (!TEXT_TOOLS.has(lower)) return true;
    return args.some((arg) => toldToRun(lower, arg));
  });
}

/**
 * The functions a script defines (parsed: `name() {`, `function name`, where a command starts; never
 * words of a comment, a string or a heredoc) and that are certainly in force from there on (at the
 * top level of the script, never removed by `unset`: {@link shellFunctionsInForce}), by exact name,
 * with the offset of their first such definition. A definition in a branch, a subshell, a pipeline or
 * after `&&` or `||` may not be made: a call of its name may run the program.
 */
const definedBefore = memoByScript((script: string): ReadonlyMap<string, number> => {
  const out = new Map<string, number>();
  for (const w of shellFunctionsInForce(script)) if (!out.has(w.value)) out.set(w.value, w.start);
  return out;
});

/** How {@link runsOther} reads a script. */
interface InertOptions {
  /**
   * Offsets `[start, end)` of a command: only what runs after it counts (the command itself and
   * those before it are set aside).
   */
  after?: [number, number];
  /** `git` counts as inert when it only reads ({@link READ_ONLY_GIT}). */
  readGit?: boolean;
  /** Other commands that count as inert. */
  allow?: (view: CommandView) => boolean;
}

/**
 * git subcommands that only read objects, refs and the work tree, named first (no `-c`, `-C` or other
 * option before them): none runs a program of the work tree's (hooks, filters and diff drivers come
 * from the configuration, which a checked-out tree does not write).
 */
export const READ_ONLY_GIT: ReadonlySet<string> = new Set([
  'log',
  'show',
  'rev-parse',
  'rev-list',
  'diff',
  'status',
  'describe',
  'ls-files',
  'ls-tree',
  'cat-file',
  'merge-base',
  'name-rev',
]);

/**
 * Whether a job's shell script runs nothing but the commands {@link inertJob} admits and git
 * commands that only read, after the command at `after` (its offsets in the script) or in all of
 * it: no program of the repository, nothing that changes what later steps run, no value of the run
 * written into it.
 */
export function runsOnlyReads(
  script: string,
  after?: [number, number],
  allow?: (view: CommandView) => boolean,
): boolean {
  return !runsOther(script, { readGit: true, ...(after ? { after } : {}), ...(allow ? { allow } : {}) });
}

/** Whether a step runs its script with a shell whose `echo`, `test` and the like are builtins. */
export function inertShell(step: Step, job: Job, workflow: Workflow): boolean {
  const shell = [step.shell, job.defaults?.shell, workflow.defaults?.shell].find((s) => s !== undefined);
  return !shell || (typeof shell.value === 'string' && INERT_SHELLS.test(shell.value.trim()));
}

/** Options of the text tools that take their program or settings from a file, or run a program. */
const AWK_PROGRAM = /^(?:-[fEil]|--(?:file|exec|include|load)\b)/;
const PROGRAM_OPTIONS: Record<string, RegExp> = {
  awk: AWK_PROGRAM,
  gawk: AWK_PROGRAM,
  mawk: AWK_PROGRAM,
  sed: /^(?:-[nErsuz]*f|--file\b)/,
  curl: /^(?:-[a-zA-Z]*K|--config\b)/,
  sort: /^--compress-program\b/,
};

/** An argument that makes a text tool take its program from a file or run another program. */
function toldToRun(tool: string, arg: string): boolean {
  if (PROGRAM_OPTIONS[tool]?.test(arg)) return true;
  if (tool.endsWith('awk')) {
    // Outside its string literals, an awk program runs a command only through system(), a pipe or getline.
    const code = arg.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    return /\bsystem\s*\(|\bgetline\b|\|/.test(code);
  }
  // sed's `e` command, or the `e` flag of `s`, runs the pattern space as a command.
  if (tool === 'sed')
    return /(?:^|[;\n{}])\s*(?:\d+|\$)?\s*e(?:\s|$|;)|\/[gpiImM0-9]*e[gpiImM0-9]*\s*(?:;|$|\})/.test(arg);
  return false;
}

function stepWriter(step: Step): string | undefined {
  // An action known to only read reads with the token it is given, too: download-artifact given
  // `github-token` to fetch another run's artifacts, checkout or a setup action given it to clone or
  // to download a toolchain.
  if (step.uses) {
    const path = actionPathOf(step.uses);
    const repo = actionOf(step.uses);
    if (path && repo && (READ_ONLY_ACTIONS.has(path) || READ_ONLY_ACTIONS.has(repo))) return undefined;
  }
  if (mentionsToken(step.env) || mentionsToken(step.with)) return `step ${label(step)} is given a token`;
  if (step.run) {
    if (WRITES.test(step.run.value)) return `step ${label(step)} uses the token or pushes`;
    return SCRIPT_FILE.test(step.run.value) ? `step ${label(step)} runs a repository script` : undefined;
  }
  if (step.uses) return `step ${label(step)} uses ${step.uses.value}, which can use the token`;
  return undefined;
}

function mentionsToken(map: LocatedMap | undefined): boolean {
  if (!map) return false;
  for (const v of map.entries.values()) {
    if (typeof v.value === 'string' && JOB_TOKEN.test(v.value)) return true;
  }
  return false;
}

/** A map that passes a secret (or the token): a step given one holds more than the job's token. */
function mentionsSecret(map: LocatedMap | undefined): boolean {
  if (!map) return false;
  for (const v of map.entries.values()) {
    if (typeof v.value === 'string' && /\bsecrets\b|github\.token/i.test(v.value)) return true;
  }
  return false;
}

function label(step: Step): string {
  const name = step.name?.value ?? step.id?.value;
  return typeof name === 'string' ? `"${name}"` : `#${step.index + 1}`;
}

/** How a job keeps its own token from its steps (see {@link tokenWithheld}). */
export interface Withheld {
  /** The steps given a token of their own instead, by what they use (`actions/checkout`, `owner/repo`). */
  replaced: string[];
  /** GitHub's own actions that hold the job's token by default, to download a toolchain. */
  readers: string[];
  /** A step runs a program on the runner other than the inert commands and image builds. */
  runs: boolean;
}

/** Inputs through which an action is handed a token of the caller's choosing. */
const OWN_TOKEN_INPUT = /^(?:token|github[-_]?token|repo[-_]?token|gh[-_]?token)$/i;

/** GitHub's own actions that run nothing of the repository's and use the job's token only to read. */
const GITHUB_READERS =
  /^actions\/(?:setup-(?:node|python|go|java|dotnet)|cache(?:\/(?:restore|save))?|upload-artifact|download-artifact)$/;

/**
 * Whether no step of a job is handed its GITHUB_TOKEN, though it may run a build: every step that
 * takes a token is given a secret of its own instead (a checkout's `token:`, an action's `token:` or
 * `github-token:`, an App's `private-key:` to actions/create-github-app-token, a script that calls
 * with a secret written into it or set in its step's `env:`), and at least one is
 * (with `readOnly`, for a token that can only read, none need be: a job whose steps take no token
 * hands it to nothing either), the token of no checkout is left on disk while anything but
 * GitHub's own actions, the inert commands and image builds of {@link inertJob} runs after it, and
 * no other action runs: none is given the token (`env:`, `with:`, an expression in a script), no job
 * or workflow `env:` passes it, no reusable workflow is called. GitHub's own setup, cache and
 * artifact actions are taken as they come: the setup actions hold the token by default, to download
 * a toolchain, but not with a `cache` input (which runs the project's package manager). What stays
 * is the runner: a program the job runs with sudo could read the token from the runner's memory.
 */
export function tokenWithheld(
  workspace: Workspace,
  job: Job,
  workflow: Workflow,
  options: { readOnly?: boolean } = {},
): Withheld | undefined {
  if (job.uses || job.steps.length === 0) return undefined;
  // No action is handed a secret in the token's place (most jobs): decided before any script is read.
  if (
    !options.readOnly &&
    !job.steps.some((s) => (s.uses !== undefined ? ownToken(s, job, workflow) : scriptOwnToken(s)))
  )
    return undefined;
  if (
    [workflow.env, job.env, job.container?.credentials, ...job.services.map((s) => s.credentials)].some(
      mentionsToken,
    )
  )
    return undefined;
  const found: Withheld = { replaced: [], readers: [], runs: false };
  // The job's own token left in .git/config by a checkout.
  let onDisk = false;
  const loads = [workflow.env, job.env].some(loadsCode);
  for (const step of job.steps) {
    if (mentionsToken(step.env) || mentionsToken(step.with)) return undefined;
    if (step.run) {
      if (JOB_TOKEN.test(step.run.value)) return undefined;
      if (scriptOwnToken(step)) found.replaced.push(`the script of step ${label(step)}`);
      // A step that may run a file of the tree, when the job's token is on disk.
      if (onDisk && (loads || loadsCode(step.env))) return undefined;
      // Once a program runs, what later scripts run matters only while the token is on disk.
      if (found.runs && !onDisk) continue;
      const images = imageBuilds(workspace, job, workflow, step);
      const inert =
        inertShell(step, job, workflow) &&
        !WRITES.test(step.run.value) &&
        !runsOther(step.run.value, images ? { allow: images.allow } : {});
      if (!inert) {
        if (onDisk) return undefined;
        found.runs = true;
      }
      continue;
    }
    const path = actionPathOf(step.uses);
    const repo = actionOf(step.uses);
    if (!path || !repo) return undefined;
    const own = ownToken(step, job, workflow);
    if (repo === 'actions/checkout') {
      if (own) found.replaced.push(repo);
      else if (!isFalse(input(step, 'persist-credentials'))) onDisk = true;
      continue;
    }
    if (GITHUB_READERS.test(path) && (!input(step, 'cache') || isFalse(input(step, 'cache')))) {
      if (givenJobToken(workspace, workflow.path, step)) found.readers.push(repo);
      continue;
    }
    // Any other action could read the token a checkout left in the workspace.
    if (!own || onDisk) return undefined;
    found.replaced.push(repo);
  }
  return found.replaced.length > 0 || options.readOnly ? found : undefined;
}

/**
 * Whether a script that calls GitHub is given a secret other than the job's token as its token:
 * written into a script that names GitHub's host (`curl -H "Authorization: Bearer ${{ secrets.PAT }}"
 * https://api.github.com/...`), or as the variable `gh` reads (`GH_TOKEN`, `GITHUB_TOKEN`) in its
 * step's `env:`. Its calls authenticate with that secret, not with the job's token, which no step
 * names (checked apart). A secret for another service (a webhook's URL) takes no token's place.
 */
function scriptOwnToken(step: Step): boolean {
  if (!step.run) return false;
  if (ownSecret(step.run.value) && GITHUB_HOST.test(step.run.value)) return true;
  return [...(step.env?.entries ?? [])].some(
    ([k, v]) => GH_TOKEN_VARIABLE.test(k) && typeof v.value === 'string' && ownSecret(v.value),
  );
}

/** GitHub's host in a URL (its API's included). */
const GITHUB_HOST = /\b(?:api\.)?github\.com\b/i;
/** The variables `gh` takes its token from. */
const GH_TOKEN_VARIABLE = /^(?:GH_TOKEN|GITHUB_TOKEN|GH_ENTERPRISE_TOKEN|GITHUB_ENTERPRISE_TOKEN)$/i;

/**
 * Whether an action is handed a secret other than the job's token as its token; GitHub's own
 * actions/create-github-app-token, a GitHub App's private key to make one from. The secret may come
 * through a variable of the job's or workflow's `env:` (`${{ env.BOT_TOKEN }}`) or as the token an
 * earlier create-github-app-token step of the job made (`${{ steps.app.outputs.token }}`).
 */
export function ownToken(step: Step, job: Job, workflow: Workflow): boolean {
  const app = actionOf(step.uses) === 'actions/create-github-app-token';
  for (const [name, value] of step.with?.entries ?? []) {
    if (
      !(OWN_TOKEN_INPUT.test(name) || (app && /^private[-_]key$/i.test(name))) ||
      typeof value.value !== 'string'
    )
      continue;
    if (ownSecret(value.value)) return true;
    const variable = /^\s*\$\{\{\s*env\.([A-Za-z_][\w-]*)\s*\}\}\s*$/.exec(value.value)?.[1];
    if (variable && !step.env?.entries.has(variable)) {
      // The job's env takes the place of the workflow's.
      const set = job.env?.entries.get(variable) ?? workflow.env?.entries.get(variable);
      if (typeof set?.value === 'string' && ownSecret(set.value)) return true;
    }
    const made = /^\s*\$\{\{\s*steps\.([\w-]+)\.outputs\.token\s*\}\}\s*$/.exec(value.value)?.[1];
    if (
      made &&
      job.steps.some(
        (s) =>
          s !== step &&
          s.id?.value === made &&
          actionOf(s.uses) === 'actions/create-github-app-token' &&
          ownToken(s, job, workflow),
      )
    )
      return true;
  }
  return false;
}

/** A value that names a secret and not the job's token. */
function ownSecret(value: string): boolean {
  return /\bsecrets\s*[.[]/i.test(value) && !JOB_TOKEN.test(value);
}
