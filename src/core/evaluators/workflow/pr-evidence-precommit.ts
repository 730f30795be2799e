import type { Workspace } from '../../workspace/workspace.js';

/**
 * pre-commit (and prek, which reads the same file) run from a workflow, for `workflow.pr-evidence`:
 * the hooks of the root `.pre-commit-config.yaml` are what such a step runs, so a hook of a tool the
 * rule counts (`zizmor`) or a local hook whose `entry` is one of its commands does what that tool
 * does, and no more. Which hooks run is read from the command: a hook id given as argument runs that
 * hook alone, `SKIP` leaves hooks out, a hook's `stages` (or the file's `default_stages`) keep it to
 * other stages than `pre-commit run` runs, and without `--all-files`, `--files` or `--from-ref` it
 * checks only the staged files, which a workflow has none of.
 */

/** The configuration files pre-commit and prek read at the root, in their order. */
export const PRE_COMMIT_CONFIGS = ['.pre-commit-config.yaml', '.pre-commit-config.yml'];

/** The action that runs `pre-commit run` with its `extra_args` (default `--all-files`). */
export const PRE_COMMIT_ACTION = /^pre-commit\/action$/i;

/** `pre-commit run ...` or `prek run ...` in a script, with the rest of its command. */
const PRE_COMMIT_RUN = /(?<![\w-])(?:pre-commit|prek)\s+run(?![\w-])([^\n;&|)]*)/gi;

interface Hook {
  id: string;
  /** Local hooks (`repo: local`): the command the hook runs. */
  entry?: string;
  /** The stages it runs in; undefined: every stage (or the file's default stages). */
  stages?: string[];
}

interface PreCommitConfig {
  hooks: Hook[];
  /** `ci:` at the top: the file configures pre-commit.ci, which runs the hooks on pull requests. */
  ci?: { skip: Set<string> };
}

/** The root configuration's hooks, read once per run; undefined without a readable one. */
export function preCommitConfig(workspace: Workspace): PreCommitConfig | undefined {
  return workspace.memo('pre-commit-config', '', () => {
    const file = PRE_COMMIT_CONFIGS.find((f) => workspace.has(f));
    const doc = file ? workspace.yaml(file) : undefined;
    const root = doc?.ok ? doc.documents[0]?.value : undefined;
    if (!isRecord(root) || !Array.isArray(root.repos)) return undefined;
    const defaults = strings(root.default_stages);
    const hooks: Hook[] = [];
    for (const repo of root.repos) {
      if (!isRecord(repo) || !Array.isArray(repo.hooks)) continue;
      for (const hook of repo.hooks) {
        if (!isRecord(hook) || typeof hook.id !== 'string') continue;
        const stages = strings(hook.stages) ?? defaults;
        hooks.push({
          id: hook.id,
          ...(repo.repo === 'local' && typeof hook.entry === 'string' ? { entry: hook.entry } : {}),
          ...(stages ? { stages } : {}),
        });
      }
    }
    const ci = isRecord(root.ci) ? { skip: new Set(strings(root.ci.skip) ?? []) } : undefined;
    return { hooks, ...(ci ? { ci } : {}) };
  });
}

/**
 * Whether a hook of the configuration that a run with these arguments (`--all-files`, a hook id,
 * `--hook-stage`) runs, and `skip` does not leave out, is one the rule counts: its id is among `ids`
 * (case-insensitive), or it is a local hook whose entry `performs`.
 */
export function preCommitRuns(
  config: PreCommitConfig,
  args: string,
  skip: ReadonlySet<string>,
  ids: readonly string[],
  performs: (text: string) => boolean,
): boolean {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let files = false;
  let stage = 'pre-commit';
  let only: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const [flag, inline] =
      w.startsWith('--') && w.includes('=') ? [w.slice(0, w.indexOf('=')), true] : [w, false];
    if (/^(?:-a|--all-files)$/.test(flag)) files = true;
    else if (/^(?:--from-ref|--to-ref|-s|-o|--source|--origin)$/.test(flag)) {
      files = true;
      if (!inline) i++;
    } else if (flag === '--files') {
      files = true;
      // The file names up to the next option.
      while (!inline && i + 1 < words.length && !words[i + 1]!.startsWith('-')) i++;
    } else if (flag === '--hook-stage') {
      const value = inline ? w.slice(w.indexOf('=') + 1) : words[++i];
      stage = value ?? stage;
    } else if (/^(?:-c|--config)$/.test(flag))
      return false; // Another configuration than the root's.
    else if (flag === '--color') {
      if (!inline) i++;
    } else if (w.startsWith('-')) continue;
    else if (only === undefined) only = w;
  }
  if (!files) return false;
  const wanted = new Set(ids.map((i) => i.toLowerCase()));
  return config.hooks.some(
    (h) =>
      (only === undefined || h.id === only) &&
      !skip.has(h.id) &&
      (h.stages === undefined ||
        h.stages.includes(stage) ||
        (stage === 'pre-commit' && h.stages.includes('commit'))) &&
      (wanted.has(h.id.toLowerCase()) || (h.entry !== undefined && performs(h.entry))),
  );
}

/** Whether pre-commit.ci is configured (`ci:`) and would run a hook the rule counts that it does not skip. */
export function preCommitCiRuns(
  config: PreCommitConfig,
  ids: readonly string[],
  performs: (text: string) => boolean,
): boolean {
  if (!config.ci) return false;
  return preCommitRuns(config, '--all-files', config.ci.skip, ids, performs);
}

/** The argument lists of the `pre-commit run` commands of a script. */
export function preCommitCommands(script: string): string[] {
  return [...script.matchAll(PRE_COMMIT_RUN)].map((m) => m[1] ?? '');
}

/** The hooks `SKIP` leaves out (comma-separated ids), from the step's, the job's or the workflow's env. */
export function skippedHooks(value: unknown): Set<string> {
  return new Set(
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
