import { shellStructure } from '../../parsers/shell.js';
import { type CommandView, programName, SHELLS, scriptCommands } from '../../parsers/shell-commands.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { Job, LocatedMap, Step, WorkflowSource } from '../../parsers/workflow-model.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { type RunFrames, type UnverifiedDownload, unverifiedDownloads } from '../generic/shell-downloads.js';
import { defineEvaluator } from '../types.js';
import { stepLabel } from './shared.js';
import { remoteExecutions } from './shell.js';

/**
 * `workflow.download-unverified`: a file a job downloads with curl or wget and then unpacks, makes
 * executable, installs or runs, with no checksum or signature check between, in the same `run:` step
 * or a later one of the job (files stay in the workspace from step to step). The reading is
 * `dockerfile-download-unverified`'s (generic/shell-downloads.ts), over the job's steps as a sequence
 * of scripts: a step runs under `bash -e` unless its `shell:` says otherwise, so a check is enough
 * there unless `&&`, `||` or `set +e` lets it fail; a failed step stops the job, unless it may fail
 * (`continue-on-error`). Steps in PowerShell, cmd or another language are not read: a download or a
 * check there is not seen, and one that names the file between the download and its use ends the
 * reading of it, as does an action given the file. A script downloaded and run in the same step is
 * `workflow.remote-script`'s, not reported twice.
 */
export const workflowDownloadUnverified = defineEvaluator<Record<string, never>>({
  kind: 'workflow.download-unverified',
  scope: 'file',
  summary:
    'run: steps that download a file with curl or wget and unpack, install or run it, in that step or a later one of the job, with no checksum or signature check between.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    // The steps of each job (or composite action) that run, in order.
    const jobs = new Map<object, { source: WorkflowSource; job: Job | undefined; steps: Step[] }>();
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        const holder = job ?? source;
        let entry = jobs.get(holder);
        if (!entry) {
          entry = { source, job, steps: [] };
          jobs.set(holder, entry);
        }
        entry.steps.push(step);
      },
    });
    for (const { source, job, steps } of jobs.values()) {
      // Most jobs download nothing: a text test before any lexing.
      if (!steps.some((s) => s.run && DOWNLOADER.test(s.run.value))) continue;
      findings.push(...jobFindings(workspace, source, job, steps));
    }
    return findings;
  },
});

const DOWNLOADER = /(?<![\w-])(?:curl|wget)(?![\w-])/;

/** How a step's script is run: a POSIX shell (whether `-e` is on), or undefined for any other. */
function posixShell(
  step: Step,
  job: Job | undefined,
  source: WorkflowSource,
): { errexit: boolean } | undefined {
  const shell = [
    step.shell,
    job?.defaults?.shell,
    source.kind === 'workflow' ? source.defaults?.shell : undefined,
  ].find((s) => s !== undefined);
  if (shell === undefined) {
    // The default is PowerShell on a Windows runner, `bash -e {0}` elsewhere.
    return /windows/i.test(JSON.stringify(job?.runsOn?.value ?? '')) ? undefined : { errexit: true };
  }
  if (typeof shell.value !== 'string') return undefined;
  const words = shell.value.trim().split(/\s+/);
  // `bash` runs `bash --noprofile --norc -eo pipefail {0}`, `sh` runs `sh -e {0}`.
  if (words.length === 1 && (words[0] === 'bash' || words[0] === 'sh')) return { errexit: true };
  // A command of its own: `bash {0}`, `bash -xe {0}`, `sh -c 'cd x && sh {0}'` (not read).
  const script = words.indexOf('{0}');
  if (script < 1 || !SHELLS.has(programName(words[0]!))) return undefined;
  const options = words.slice(1, script);
  if (options.some((w) => !w.startsWith('-') && w !== 'pipefail' && w !== 'errexit')) return undefined;
  return {
    errexit: options.some(
      (w, i) => /^-[A-Za-z]*e/.test(w) || (w === 'errexit' && /^-[A-Za-z]*o$/.test(options[i - 1] ?? '')),
    ),
  };
}

/** The variables of the `env:` maps a step sees (the workflow's, the job's, its own), as text. */
function envOf(step: Step, job: Job | undefined, source: WorkflowSource): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const add = (env: LocatedMap | undefined) => {
    for (const [name, node] of env?.entries ?? []) {
      const v = node.value;
      out.set(
        name,
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null,
      );
    }
  };
  if (source.kind === 'workflow') add(source.env);
  add(job?.env);
  add(step.env);
  return out;
}

/** What a step does with a download, as the finding says it. */
const USES: Record<string, string> = {
  unpacked: 'unpacks it',
  'made executable': 'makes it executable',
  installed: 'installs it',
  run: 'runs it',
};

function jobFindings(
  workspace: Workspace,
  source: WorkflowSource,
  job: Job | undefined,
  steps: readonly Step[],
): RawFinding[] {
  const shells = steps.map((s) => (s.run ? posixShell(s, job, source) : undefined));
  const runs: CommandView[][] = steps.map((s, i) => (s.run && shells[i] ? scriptCommands(s.run.value) : []));
  const frames = new Map<number, RunFrames>();
  const downloads = unverifiedDownloads(
    runs,
    steps.map((s) => envOf(s, job, source)),
    {
      frames(i) {
        let map = frames.get(i);
        if (!map) {
          const script = steps[i]!.run?.value ?? '';
          map = new Map([...shellStructure(script)].map(([command, around]) => [command.start, around]));
          frames.set(i, map);
        }
        return map;
      },
      errexit: (i) => shells[i]?.errexit ?? false,
      // A step that may fail leaves the job going: its check stops only its own script.
      failureStops: (i) => {
        const c = steps[i]!.value['continue-on-error'];
        return c === undefined || c === false || c === 'false';
      },
    },
  );
  const findings: RawFinding[] = [];
  for (const d of downloads) {
    if (remoteScripts(steps, runs, d) || unreadBetween(steps, shells, d)) continue;
    const step = steps[d.run]!;
    const run = step.run!;
    const text = locatedText(workspace, source.path, run);
    const host = hostOf(d.resolved);
    // A name that is a variable alone (`curl "$url" | tar x`) says nothing of the file.
    const file =
      d.file !== '' && !/[\s'"`]/.test(d.file) && !/^\$\{?\w+\}?$/.test(d.file) ? `\`${d.file}\`` : 'a file';
    const later = d.useRun !== d.run ? ` in the step "${stepLabel(steps[d.useRun]!)}"` : '';
    findings.push({
      message:
        `Downloads ${file} from ${host}${d.plain ? ' over plain HTTP' : ''} and ${USES[d.use]}${later} with no ` +
        'checksum or signature check: whatever the server returns when the job runs is what it uses, with the ' +
        "job's token and secrets in reach. Verify it against a pinned SHA-256 (`sha256sum -c`) or its signature " +
        'before using it, or install the tool with a pinned action or package.',
      location: text.locate(d.offset, d.offset + 1),
      key: `download-unverified:${job?.id ?? ''}/${stepLabel(step)}/${d.url.slice(0, 200)}`,
      ...(d.plain ? { severity: 'high' as const } : {}),
    });
  }
  return findings;
}

/** The host of a URL (its port left out), or a phrase when it is not known. */
function hostOf(url: string): string {
  const host = /^(?:https?|ftp):\/\/(?:[^@/\s]*@)?([^/:?#\s\0]{1,200})(?=[/:?#]|$)/i.exec(url)?.[1];
  return host ? host : 'a host the workflow computes';
}

/**
 * Whether the use is a script run that `workflow.remote-script` reports (`curl -o x.sh URL && bash
 * x.sh` in one step): the same download and run, told once.
 */
function remoteScripts(
  steps: readonly Step[],
  runs: readonly CommandView[][],
  d: UnverifiedDownload,
): boolean {
  if (d.use !== 'run') return false;
  const script = steps[d.useRun]!.run?.value;
  const use = runs[d.useRun]!.find((v) => v.command.start === d.useOffset)?.command;
  if (script === undefined || !use) return false;
  return remoteExecutions(script).some((hit) => hit.start < use.end && use.start < hit.end);
}

/**
 * Whether a step between the download and its use may check the file where this reading cannot see:
 * a script in a shell that is not read (PowerShell, Python) or an action, that names the file.
 */
function unreadBetween(
  steps: readonly Step[],
  shells: readonly ({ errexit: boolean } | undefined)[],
  d: UnverifiedDownload,
): boolean {
  const base = d.file.split('/').pop() ?? '';
  if (base.length < 3) return false;
  for (let i = d.run + 1; i < d.useRun; i++) {
    const step = steps[i]!;
    if (step.run && !shells[i] && step.run.value.includes(base)) return true;
    if (step.uses && [...(step.with?.entries.values() ?? [])].some((v) => String(v.value).includes(base)))
      return true;
  }
  return false;
}
