import { joinContinuations } from './shell.js';

/**
 * Writes to the runner's environment files in a script: `>> $GITHUB_ENV`, `tee -a "$GITHUB_PATH"`,
 * PowerShell's `Out-File`/`Add-Content` on `$env:GITHUB_ENV`, cmd's `%GITHUB_ENV%`, and lines inside
 * a `{ ...; } >> "$GITHUB_ENV"` group or a heredoc piped into one. Each write carries the script
 * ranges its value comes from: the writing line, plus the assignments of shell variables it reads.
 */

/** One write to `$GITHUB_ENV` or `$GITHUB_PATH`. */
export interface EnvWrite {
  file: 'env' | 'path';
  /** The writing line [start, end) in the script. */
  start: number;
  end: number;
  text: string;
  /** Ranges whose text makes the value: the line and the assignments of the variables it reads. */
  ranges: [number, number][];
  /** Variables the value reads that the script does not assign (environment variables). */
  envVars: string[];
  /** The value goes through `NAME<<$DELIMITER` with a delimiter made at random in the script. */
  randomDelimiter: boolean;
}

const TARGET =
  /(?:>>?|\btee\s+(?:-a\s+|--append\s+)?|-(?:File)?Path\s+|\bAdd-Content\s+)\s*["']?(?:\$\{?GITHUB_(ENV|PATH)\b\}?|\$env:GITHUB_(ENV|PATH)\b|%GITHUB_(ENV|PATH)%)/i;
const GROUP_END = /^\s*\}\s*>>?\s*["']?(?:\$\{?GITHUB_(ENV|PATH)\b|\$env:GITHUB_(ENV|PATH)\b)/i;
const ASSIGNMENT = /^\s*(?:export\s+|local\s+|readonly\s+|declare(?:\s+-\w+)*\s+|\$)?([A-Za-z_]\w*)\s*=(.*)$/;
const VAR_REF = /\$env:([A-Za-z_]\w*)|\$\{?([A-Za-z_]\w*)|%([A-Za-z_]\w*)%/g;
const RANDOM =
  /openssl\s+rand|uuidgen|\/dev\/urandom|\$RANDOM|\bmktemp\b|New-Guid|\[guid\]::NewGuid|randomUUID|secrets\.token_hex/i;
/** Variables the runner sets: never attacker data (and the targets themselves). */
const RUNNER_VAR =
  /^(GITHUB_(ENV|PATH|OUTPUT|STEP_SUMMARY|WORKSPACE|SHA|REF|REF_NAME|RUN_ID|RUN_NUMBER|REPOSITORY|SERVER_URL|API_URL|ACTION_PATH)|RUNNER_\w+|HOME|PATH|PWD|env|GITHUB_EVENT_PATH)$/i;

/** Every write to the environment files, in script order. */
export function envWrites(script: string): EnvWrite[] {
  const joined = joinContinuations(script);
  const lines: { start: number; end: number; text: string }[] = [];
  let at = 0;
  for (const text of joined.split('\n')) {
    lines.push({ start: at, end: at + text.length, text });
    at += text.length + 1;
  }
  // The closing line of a group writes nothing of its own.
  const target: ('env' | 'path' | undefined)[] = lines.map((l) =>
    GROUP_END.test(l.text) ? undefined : fileOf(TARGET.exec(l.text)),
  );
  // Lines of a `{ ... } >> file` group, and heredoc bodies whose command writes to a file.
  const open: number[] = [];
  for (const [i, l] of lines.entries()) {
    if (/^\s*\{\s*(?:#.*)?$/.test(l.text)) open.push(i);
    const close = GROUP_END.exec(l.text);
    if (close) {
      const from = open.pop();
      if (from !== undefined) for (let k = from + 1; k < i; k++) target[k] ??= fileOf(close);
    }
    const heredoc =
      target[i] && /<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(l.text.replace(/\w+<<[$"'\w{}]+/, ''));
    if (heredoc) {
      for (let k = i + 1; k < lines.length && lines[k]!.text.trim() !== heredoc[1]; k++)
        target[k] = target[i];
    }
  }
  const random = RANDOM.test(joined) && /<<\s*["']?\$\{?\w/.test(joined);
  const assigned = new Map<string, Sources>();
  const out: EnvWrite[] = [];
  for (const [i, l] of lines.entries()) {
    const sources = sourcesOf(l, assigned);
    const file = target[i];
    if (file) {
      out.push({
        file,
        start: l.start,
        end: l.end,
        text: l.text.trim(),
        ...sources,
        randomDelimiter: random,
      });
      continue;
    }
    const a = ASSIGNMENT.exec(l.text);
    if (a) assigned.set(a[1]!, sources);
  }
  return out;
}

interface Sources {
  ranges: [number, number][];
  envVars: string[];
}

/** The line, plus what the script variables it reads were assigned from. */
function sourcesOf(
  line: { start: number; end: number; text: string },
  assigned: Map<string, Sources>,
): Sources {
  const out: Sources = { ranges: [[line.start, line.end]], envVars: [] };
  for (const m of line.text.matchAll(VAR_REF)) {
    const name = m[1] ?? m[2] ?? m[3]!;
    if (RUNNER_VAR.test(name)) continue;
    const known = assigned.get(name);
    if (known) {
      out.ranges.push(...known.ranges);
      out.envVars.push(...known.envVars);
    } else out.envVars.push(name);
  }
  return out;
}

function fileOf(m: RegExpExecArray | null): 'env' | 'path' | undefined {
  if (!m) return undefined;
  const name = (m[1] ?? m[2] ?? m[3] ?? '').toUpperCase();
  return name === 'ENV' ? 'env' : name === 'PATH' ? 'path' : undefined;
}
