import {
  dockerfilePaths,
  type InstructionText,
  positionInRun,
  readDockerfile,
} from '../../parsers/dockerfile.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/** The RUN audits this evaluator implements (`check.with.audit`). */
export const RUN_AUDITS = ['pipe-to-shell', 'sudo'] as const;
export type RunAudit = (typeof RUN_AUDITS)[number];

/** Options of `dockerfile.run-command`. */
export interface RunCommandOptions {
  audit: RunAudit;
}

/** Where a shell command can start: line start, after `;`, `&&`, `||`, `|`, `(`, backtick or `$(`. */
const COMMAND_START = String.raw`(?:^|[;&|(\x60\n]|\$\()[ \t]*`;
const SUDO = new RegExp(`${COMMAND_START}(sudo)(?![\\w.-])`, 'g');

/** A download command somewhere in a pipeline segment. */
const DOWNLOAD = /(?:^|[\s(])(curl|wget)(?![\w.-])/;
/** The command after a pipe is a shell or an interpreter reading the script from stdin. */
const INTERPRETER =
  /^[ \t]*(?:sudo(?:[ \t]+-\S+)*[ \t]+)?(?:env[ \t]+)?(?:\S*\/)?(?:(?:ba|da|z|k|fi|a)?sh|python[0-9.]*|perl|ruby|node)(?![\w.-])/;
/** `sh -c "$(curl ...)"` and `bash <(curl ...)`: the same, through a substitution. */
const SUBSTITUTED =
  /(?<![\w.-])(?:ba|da|z|k)?sh[ \t]+(?:-c[ \t]+)?["']?(?:\$\(|<\(|\x60)[ \t]*(curl|wget)(?![\w.-])/g;
const SEPARATORS = new Set([';', '&', '|', '\n', '(']);

/**
 * Indexes of downloads piped into a shell. Each `|` splits the text into the segment before it (back
 * to the previous separator) and after it, so every character is looked at a bounded number of times:
 * linear on any input, unlike one pattern with a long optional middle.
 */
export function pipeToShell(text: string): number[] {
  const out: number[] = [];
  let segmentStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!SEPARATORS.has(c)) continue;
    const isPipe = c === '|' && text[i - 1] !== '|' && text[i + 1] !== '|';
    if (isPipe) {
      const left = text.slice(segmentStart, i);
      const download = DOWNLOAD.exec(left);
      if (download) {
        let j = i + 1;
        while (j < text.length && !SEPARATORS.has(text[j]!)) j++;
        if (INTERPRETER.test(text.slice(i + 1, j))) {
          out.push(segmentStart + download.index + download[0].length - download[1]!.length);
        }
      }
    }
    segmentStart = i + 1;
  }
  SUBSTITUTED.lastIndex = 0;
  for (let m = SUBSTITUTED.exec(text); m; m = SUBSTITUTED.exec(text)) out.push(m.index);
  return out.sort((a, b) => a - b);
}

const MESSAGES: Record<RunAudit, string> = {
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
  summary: 'Dockerfile RUN commands that pipe a download into a shell (pipe-to-shell) or use sudo.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['audit'],
    properties: {
      audit: { enum: [...RUN_AUDITS], description: 'Which command audit: pipe-to-shell or sudo.' },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      if (!model) continue;
      for (const stage of model.stages) {
        for (const run of stage.runs) {
          for (const index of options.audit === 'sudo' ? sudoAt(run) : pipeToShell(run.value)) {
            const at = positionInRun(model, run, index);
            findings.push({
              message: MESSAGES[options.audit],
              location: { path: file, startLine: at.line, startColumn: at.column, endLine: at.line },
              key: `${options.audit}:${run.value.slice(index, index + 120).replace(/\s+/g, ' ')}`,
            });
          }
        }
      }
    }
    return findings;
  },
});

/** Indexes in the RUN's joined text where a `sudo` command starts. */
function sudoAt(run: InstructionText): number[] {
  const out: number[] = [];
  SUDO.lastIndex = 0;
  for (let m = SUDO.exec(run.value); m; m = SUDO.exec(run.value)) {
    out.push(m.index + m[0].length - 4);
    if (m[0].length === 0) SUDO.lastIndex += 1;
  }
  return out;
}
