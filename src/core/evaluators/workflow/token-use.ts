import { scriptCommands } from '../../parsers/shell-commands.js';
import type { Job, LocatedMap, Step, Workflow } from '../../parsers/workflow.js';
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
 * included).
 */
export function inertJob(job: Job, workflow: Workflow): Inert | undefined {
  if (job.uses || job.container || job.services.length > 0 || job.steps.length === 0) return undefined;
  if ([workflow.env, job.env].some(mentionsSecret)) return undefined;
  const found: Inert = { checkout: false, commands: false };
  for (const step of job.steps) {
    if (mentionsSecret(step.env) || mentionsSecret(step.with)) return undefined;
    // A repository script is a program {@link runsOther} does not let run; a file name in a message
    // it prints is none.
    if (step.run && WRITES.test(step.run.value)) return undefined;
    if (step.uses && !step.run && actionPathOf(step.uses) === 'actions/checkout') {
      found.checkout = true;
      continue;
    }
    if (!step.run || step.uses) return undefined;
    if (!inertShell(step, job, workflow) || runsOther(step.run.value)) return undefined;
    found.commands = true;
  }
  return found;
}

/**
 * Whether a script may run a program other than {@link INERT_COMMANDS}, {@link TEXT_TOOLS} and the
 * functions it defines, or have a later step run one: a command named by path (`./echo` is a file of
 * the repository), a text tool told to take its program from a file (`awk -f`, `sed -f`, `curl -K`) or
 * to run commands (awk's `system()`, pipes and `getline`, sed's `e`, sort's `--compress-program`), a
 * heredoc that substitutes commands (its body is not read as commands), an arithmetic expansion, an
 * expression of the run, or a write to `$GITHUB_ENV` or `$GITHUB_PATH`.
 */
function runsOther(script: string, options: InertOptions = {}): boolean {
  const from = options.after?.[1] ?? 0;
  if (/\$\{\{|\$\(\(|GITHUB_(?:ENV|PATH)\b/.test(script.slice(from))) return true;
  const functions = new Set(
    [...script.matchAll(/(?:^|[\s;&|{}()])(?:function\s+([\w-]+)|([\w-]+)\s*\(\s*\))/g)].map((m) =>
      (m[1] ?? m[2])!.toLowerCase(),
    ),
  );
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
    const lower = name.toLowerCase();
    if (INERT_COMMANDS.has(lower) || functions.has(lower)) return false;
    const args = command.words.slice(nameIndex + 1).map((w) => w.value);
    if (lower === 'git' && options.readGit) return !READ_ONLY_GIT.has(args[0] ?? '');
    if (!TEXT_TOOLS.has(lower)) return true;
    return args.some((arg) => toldToRun(lower, arg));
  });
}

/** How {@link runsOther} reads a script. */
interface InertOptions {
  /**
   * Offsets `[start, end)` of a command: only what runs after it counts (the command itself and
   * those before it are set aside).
   */
  after?: [number, number];
  /** `git` counts as inert when it only reads ({@link READ_ONLY_GIT}). */
  readGit?: boolean;
}

/**
 * git subcommands that only read objects, refs and the work tree, named first (no `-c`, `-C` or other
 * option before them): none runs a program of the work tree's (hooks, filters and diff drivers come
 * from the configuration, which a checked-out tree does not write).
 */
const READ_ONLY_GIT = new Set([
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
export function runsOnlyReads(script: string, after?: [number, number]): boolean {
  return !runsOther(script, { readGit: true, ...(after ? { after } : {}) });
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
