import { DEV_CONTAINER_IMAGE, isDevContainerImage } from '../../parsers/devcontainer.js';
import {
  type DockerfileModel,
  dockerfilePaths,
  positionInRun,
  readDockerfile,
  runCommands,
  runFrames,
} from '../../parsers/dockerfile.js';
import type { ShellCommand } from '../../parsers/shell.js';
import { type CommandView, programName, scriptCommands } from '../../parsers/shell-commands.js';
import type { RawFinding } from '../../types.js';
import { unverifiedDownloads } from '../generic/shell-downloads.js';
import { defineEvaluator } from '../types.js';
import { developmentEnvironmentNote } from './dev-environment.js';

/** The RUN audits this evaluator implements (`check.with.audit`). */
export const RUN_AUDITS = ['pipe-to-shell', 'sudo', 'download-unverified'] as const;
export type RunAudit = (typeof RUN_AUDITS)[number];

/** Options of `dockerfile.run-command`. */
export interface RunCommandOptions {
  audit: RunAudit;
}

/** Programs that download. */
const DOWNLOADERS = new Set(['curl', 'wget']);
/** Programs that run a script read from their standard input (or from a substituted file). */
const INTERPRETERS = /^(?:(?:ba|da|z|k|mk|a)?sh|python[0-9.]*|perl|ruby|node|php|pwsh|source|\.|eval)$/;

/**
 * Offsets (in `text`, or in the RUN) of downloads whose output is run as code: piped into a shell or
 * interpreter that reads its script from standard input (`curl ... | sh`, `wget -qO- ... | sudo bash
 * -s`; not `| python3 -c '<code>'`, which runs its own code), or substituted into what one runs
 * (`sh -c "$(curl ...)"`, `bash <(curl ...)`, `eval "$(wget -O- ...)"`).
 */
export function pipeToShell(text: string): number[] {
  return pipedDownloads(scriptCommands(text));
}

function pipedDownloads(views: readonly CommandView[]): number[] {
  const out: number[] = [];
  let byCommand: Map<ShellCommand, CommandView> | undefined;
  views.forEach((view, i) => {
    if (!DOWNLOADERS.has(view.name)) return;
    const at = view.command.words[view.nameIndex]!.start;
    const reader = pipelineReader(views, i);
    if (reader && INTERPRETERS.test(reader.name) && readsStdin(reader)) {
      out.push(at);
      return;
    }
    const parent = view.command.parent;
    if (!parent) return;
    byCommand ??= new Map(views.map((v) => [v.command, v]));
    const holder = byCommand.get(parent.command);
    if (holder && INTERPRETERS.test(holder.name) && /^(?:\$\(|<\(|`)/.test(parent.word.value.trimStart()))
      out.push(at);
  });
  return out.sort((a, b) => a - b);
}

/** The command a pipeline stage feeds, past any `tee`. */
function pipelineReader(views: readonly CommandView[], index: number): CommandView | undefined {
  let current = views[index]!;
  for (let j = index + 1; j < views.length && j < index + 64; j++) {
    if (current.command.next !== '|' && current.command.next !== '|&') return undefined;
    const next = views[j]!;
    if (next.command.depth !== current.command.depth || next.command.parent !== current.command.parent)
      continue;
    if (next.name !== 'tee') return next;
    current = next;
  }
  return undefined;
}

/** False when an interpreter is given its code (`-c`, `-e`) or a script file, so stdin is only data. */
function readsStdin(view: CommandView): boolean {
  const args = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  for (const a of args) {
    if (a === '-' || a === '--' || a === '-s') return true;
    if (/^-[A-Za-z]*[ceE]$/.test(a) || a === '--command' || a === '--eval') return false;
    if (!a.startsWith('-')) return false;
  }
  return true;
}

const MESSAGES: Record<Exclude<RunAudit, 'download-unverified'>, string> = {
  'pipe-to-shell':
    'RUN pipes a download straight into a shell or interpreter: the script runs unreviewed and unverified, ' +
    'and a compromised or intercepted server runs its code in the build. Download to a file, verify its ' +
    'checksum or signature, then run it.',
  sudo:
    'RUN uses sudo: build steps already run as the current USER, so sudo only adds a setuid binary and a ' +
    'privilege path to the image. Run the step before switching USER, or as root with `USER root` scoped to it.',
};

/**
 * `dockerfile.run-command`: audits of RUN commands, reported on the physical line of the offending
 * command inside multi-line RUNs: `pipe-to-shell` (`curl ... | sh`) and `sudo`.
 */
export const dockerfileRunCommand = defineEvaluator<RunCommandOptions>({
  kind: 'dockerfile.run-command',
  scope: 'file',
  summary:
    'Dockerfile RUN commands that pipe a download into a shell (pipe-to-shell), use sudo, or use a download with no checksum or signature check (download-unverified).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['audit'],
    properties: {
      audit: {
        enum: [...RUN_AUDITS],
        description: 'Which command audit: pipe-to-shell, sudo or download-unverified.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    for (const file of dockerfilePaths(workspace)) {
      // A development container's user has sudo by design: the image is a developer's workspace.
      if (options.audit === 'sudo' && isDevContainerImage(file)) {
        workspace.leaveOut(file, DEV_CONTAINER_IMAGE);
        continue;
      }
      const model = readDockerfile(workspace, file);
      if (!model) continue;
      // A development environment's image (see dev-environment.ts) ships nowhere: a download piped to
      // a shell, or installed unverified, there runs on a developer's machine, reported at low
      // confidence and why.
      const devNote = options.audit !== 'sudo' ? developmentEnvironmentNote(workspace, model) : undefined;
      if (options.audit === 'download-unverified') {
        findings.push(...downloadFindings(file, model, devNote));
        continue;
      }
      const audit = options.audit;
      for (const stage of model.stages) {
        for (const run of stage.runs) {
          const views = runCommands(run);
          // sudo is one finding per RUN, at its first use: the step is what runs as another user.
          const at = audit === 'sudo' ? sudoAt(views).slice(0, 1) : pipedDownloads(views);
          for (const index of at) {
            const at = positionInRun(model, run, index);
            findings.push({
              message: devNote
                ? `${MESSAGES[audit]} The image is a development environment's (${devNote}).`
                : MESSAGES[audit],
              location: { path: file, startLine: at.line, startColumn: at.column, endLine: at.line },
              key: `${audit}:${run.value.slice(index, index + 120).replace(/\s+/g, ' ')}`,
              ...(devNote ? { confidence: 'low' as const } : {}),
            });
          }
        }
      }
    }
    return findings;
  },
});

/** What a RUN does with a download, as the finding's message says it. */
const DOWNLOAD_USES: Record<string, string> = {
  unpacked: 'unpacks it',
  'made executable': 'makes it executable',
  installed: 'installs it',
  run: 'runs it',
};

/**
 * Findings of `download-unverified`: each download a stage's RUNs unpack, make executable, install
 * or run with no checksum or signature check in between, at the downloader's line. A download over
 * plain HTTP is high: anyone on the path chooses what the image gets.
 */
function downloadFindings(file: string, model: DockerfileModel, devNote: string | undefined): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const stage of model.stages) {
    const runs = stage.runs.map((run) => runCommands(run));
    for (const d of unverifiedDownloads(
      runs,
      stage.runs.map((run) => run.vars),
      { frames: (i) => runFrames(stage.runs[i]!) },
    )) {
      const at = positionInRun(model, stage.runs[d.run]!, d.offset);
      const plain = d.plain;
      const host = /^(?:https?|ftp):\/\/([^/\s\0]{1,200})/i.exec(d.resolved)?.[1] ?? 'the web';
      const what = d.file !== '' && !/[\s'"`]/.test(d.file) ? `\`${d.file}\`` : `a file from ${host}`;
      findings.push({
        message:
          `RUN downloads ${what}${plain ? ' over plain HTTP' : ''} and ${DOWNLOAD_USES[d.use]} with no checksum ` +
          'or signature check: whatever the server returns at build time goes into the image. Verify it ' +
          'against a pinned digest (`sha256sum -c`) or its signature before using it.' +
          (devNote ? ` The image is a development environment's (${devNote}).` : ''),
        location: { path: file, startLine: at.line, startColumn: at.column, endLine: at.line },
        key: `download-unverified:${d.url.slice(0, 200)}`,
        ...(plain ? { severity: 'high' as const } : {}),
        ...(devNote ? { confidence: 'low' as const } : {}),
      });
    }
  }
  return findings;
}

/** Offsets in the RUN where a command runs through `sudo` (`sudo apt-get`, `env X=1 sudo -E make`). */
function sudoAt(views: readonly CommandView[]): number[] {
  const out: number[] = [];
  for (const view of views) {
    const words = view.command.words.slice(0, view.nameIndex);
    const at = words.findIndex((w) => programName(w.value) === 'sudo');
    if (at >= 0 && !dropsToUser(words.slice(at + 1).map((w) => w.value))) out.push(words[at]!.start);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Whether sudo's options run the command as a named user other than root (`sudo -u discourse
 * bundle install`, `sudo --user=app`): run by root, that drops privileges rather than gaining them.
 */
function dropsToUser(options: readonly string[]): boolean {
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    const user = o === '-u' || o === '--user' ? options[i + 1] : /^(?:-u|--user=)(.+)$/.exec(o)?.[1];
    if (user !== undefined) return !/^(?:root|0|#0)$/.test(user.replace(/^["']|["']$/g, ''));
    if (!o.startsWith('-')) return false;
  }
  return false;
}
