import { CONFIDENCES, type Confidence, type Location, type RawFinding } from '../../types.js';
import { contextIdentity } from '../secrets/values.js';
import { defineEvaluator } from '../types.js';
import {
  gradeRequest,
  gradeTrustedHost,
  groupsOutput,
  HOST_SCHEMA,
  type HostDefault,
  type HostGrading,
  hostDefaults,
  indexUrls,
  type NamedUrl,
  REQUEST_SCHEMA,
  type RequestGrading,
  runsInContainer,
  type ScriptProbe,
} from './request-grading.js';
import {
  compilePattern,
  FLAGS_SCHEMA,
  forEachLine,
  globList,
  IGNORE_CASE_SCHEMA,
  keyText,
  regexSource,
  selectFiles,
  showPattern,
} from './shared.js';
import { forEachLogicalLine, LineCommands, physicalPosition, type ShellLimits } from './shell-lines.js';
import type { RequestFacts } from './shell-requests.js';

/** One forbidden pattern: a bare regular expression, or one with its own flags and message. */
export type ForbiddenPattern =
  | string
  | {
      pattern: string;
      flags?: string;
      message?: string;
      redact?: boolean;
      commands?: string[];
      exceptArgument?: string;
      request?: RequestGrading;
      trustedHost?: HostGrading;
      operands?: OperandGrading;
      paths?: string[];
    };

/**
 * How a match is graded when every operand of its command matches `pattern` (a package file named by
 * path rather than a package fetched from a repository): `confidence`, and `message` added.
 */
export interface OperandGrading {
  /** A first operand that is the command's verb (`add` in `apk add`), not an operand. */
  subcommands?: string[];
  pattern: string;
  confidence: Confidence;
  message: string;
}

/** Options of `content.forbidden`. */
export interface ContentForbiddenOptions {
  paths: string[];
  except: string[];
  ignoreCase: boolean;
  patterns: ForbiddenPattern[];
  commentPrefixes: string[];
  shellPaths: string[];
  buildPaths?: string[];
  message?: string;
}

interface CompiledPattern {
  re: RegExp;
  /** The same expression with the `g` flag, to try every match of a logical line in shell files. */
  all: RegExp;
  message: string;
  redact: boolean;
  limits: ShellLimits;
  request: RequestGrading | undefined;
  trustedHost: HostGrading | undefined;
  operands:
    | { re: RegExp; subcommands: ReadonlySet<string>; confidence: Confidence; message: string }
    | undefined;
  /** The files the pattern is for, among those scanned; undefined for all of them. */
  paths: ((file: string) => boolean) | undefined;
}

/**
 * `content.forbidden`: no line of the selected text files may match any of `patterns`. Each matching
 * (line, pattern) pair is one finding at the exact columns of the first match on that line. The
 * finding key is the pattern plus the matched text (or, for `redact` patterns, a keyed hash of it) and
 * an ordinal, so fingerprints survive lines moving and never depend on line numbers.
 */
export const contentForbidden = defineEvaluator<ContentForbiddenOptions>({
  kind: 'content.forbidden',
  scope: 'file',
  // 2: the key of a `redact` pattern's match holds the match's keyed hash.
  revision: 2,
  summary: 'No line of the selected files matches any of the patterns (reported at the exact columns).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths', 'patterns'],
    properties: {
      paths: globList('Globs (picomatch syntax, dotfiles included) of the files to scan.', { minItems: 1 }),
      except: globList('Globs of files not to scan.', { default: [] }),
      ignoreCase: IGNORE_CASE_SCHEMA,
      patterns: {
        type: 'array',
        minItems: 1,
        description:
          'Forbidden patterns, applied to each line (at most the first 20,000 characters of a line; ' +
          'write patterns that run in linear time). A string, or `{ pattern, flags, message, redact }`.',
        items: {
          type: ['string', 'object'],
          minLength: 1,
          format: 'regex',
          additionalProperties: false,
          required: ['pattern'],
          properties: {
            pattern: regexSource('Regular expression (JavaScript syntax).'),
            flags: FLAGS_SCHEMA,
            message: {
              type: 'string',
              minLength: 1,
              description: 'What this match means and why it is a problem.',
            },
            redact: {
              type: 'boolean',
              default: false,
              description:
                'The match may be a secret: identify findings by the pattern and a keyed hash of the matched text, never by the text.',
            },
            commands: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', minLength: 1 },
              description:
                'In `shellPaths` files: the match (or its group named `arg`, when the pattern has one) ' +
                'counts only as an argument of one of these programs (base names, after wrappers such as ' +
                'sudo, env or timeout), e.g. ["curl"] for `curl ... (?<arg>-k)`.',
            },
            exceptArgument: regexSource(
              'In `shellPaths` files: the match does not count when an argument of its command matches ' +
                'this expression (e.g. a URL of the local machine).',
            ),
            request: REQUEST_SCHEMA,
            trustedHost: HOST_SCHEMA,
            paths: globList(
              'Globs of the scanned files this pattern is for (a syntax one kind of file gives a meaning ' +
                'to, such as a Pipfile source `url = "http://..."`, which means something else in another); ' +
                'all of them when absent.',
            ),
            operands: {
              type: 'object',
              additionalProperties: false,
              required: ['pattern', 'confidence', 'message'],
              description:
                'In `shellPaths` files: when every operand of the command (each argument that is not an ' +
                'option, including the values of options, after a first one among `subcommands`) matches ' +
                '`pattern`, and there is one, the finding gets `confidence` and `message` is added to its message.',
              properties: {
                subcommands: {
                  type: 'array',
                  items: { type: 'string', minLength: 1 },
                  description:
                    'Verbs (`add`, `install`) that may come first among the operands, and are not one.',
                },
                pattern: regexSource('Regular expression (JavaScript syntax) an operand must match.'),
                confidence: { enum: [...CONFIDENCES] },
                message: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
      commentPrefixes: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description:
          'Lines whose first non-blank characters are one of these prefixes (e.g. "#", "//") are ' +
          'comments and are not scanned. Comments after code on the same line are still scanned.',
      },
      shellPaths: globList(
        'Globs of the selected files whose lines are shell commands or hold them (scripts, Dockerfiles, CI ' +
          'configuration, Makefiles). In them backslash continuations are joined, and a match counts only ' +
          'where a command acts on it: not in a comment, not in the arguments of a command that only prints ' +
          'or searches text (echo, printf, grep, ...) unless its output is written to a file; patterns ' +
          'with `commands` or `exceptArgument` are limited further.',
        { default: [] },
      ),
      buildPaths: globList(
        'Globs of the `shellPaths` files whose commands run in a build or CI job (CI configuration, ' +
          'Dockerfiles, scripts under CI or build folders); see `request`.',
      ),
      message: {
        type: 'string',
        minLength: 1,
        description: 'Message for patterns that have no message of their own.',
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const patterns = options.patterns.map((p): CompiledPattern => {
      const spec: Exclude<ForbiddenPattern, string> = typeof p === 'string' ? { pattern: p } : p;
      const re = compilePattern(spec.pattern, spec.flags);
      const limits: ShellLimits = {};
      if (spec.commands) limits.commands = new Set(spec.commands);
      if (spec.exceptArgument) limits.exceptArgument = compilePattern(spec.exceptArgument);
      return {
        re,
        all: new RegExp(re.source, `${re.flags}dg`),
        message: spec.message ?? options.message ?? `Forbidden content: the line matches ${showPattern(re)}.`,
        redact: spec.redact ?? false,
        limits,
        request: spec.request,
        trustedHost: spec.trustedHost,
        operands: spec.operands && {
          re: compilePattern(spec.operands.pattern),
          subcommands: new Set(spec.operands.subcommands ?? []),
          confidence: spec.operands.confidence,
          message: spec.operands.message,
        },
        paths: spec.paths?.length ? workspace.matcher(spec.paths) : undefined,
      };
    });
    const findings: RawFinding[] = [];
    const shell = options.shellPaths.length > 0 ? workspace.matcher(options.shellPaths) : undefined;
    const build = options.buildPaths?.length ? workspace.matcher(options.buildPaths) : () => false;
    const limited = patterns.some((p) => p.paths);
    for (const file of selectFiles(workspace, options)) {
      const text = workspace.text(file);
      if (text === undefined) continue;
      const mine = limited ? patterns.filter((p) => !p.paths || p.paths(file)) : patterns;
      if (shell?.(file)) scanShellFile(file, text, mine, options.commentPrefixes, build(file), findings);
      else scanFile(file, text, mine, options.commentPrefixes, findings);
    }
    return findings;
  },
});

function scanFile(
  file: string,
  text: string,
  patterns: readonly CompiledPattern[],
  commentPrefixes: readonly string[],
  out: RawFinding[],
): void {
  const ordinals = new Map<string, number>();
  // A configuration file's options hold for the whole file: the index URLs a trusted host is named in.
  let urls: NamedUrl[] | undefined;
  forEachLine(text, (line, lineNo) => {
    if (commentPrefixes.length > 0 && isComment(line, commentPrefixes)) return true;
    for (const p of patterns) {
      let m = p.re.exec(line);
      if (!m) continue;
      let graded: ReturnType<typeof gradeTrustedHost> = { message: p.message };
      if (p.trustedHost) {
        urls ??= indexUrls(
          commentPrefixes.length > 0
            ? text
                .split('\n')
                .filter((l) => !isComment(l, commentPrefixes))
                .join('\n')
            : text,
        );
        p.all.lastIndex = 0;
        for (m = p.all.exec(line); m; m = p.all.exec(line)) {
          graded = gradeTrustedHost(p.message, p.trustedHost, m.groups?.host, urls, false);
          if (graded) break;
          if (m[0].length === 0) p.all.lastIndex += 1;
        }
        if (!m || !graded) continue;
      }
      const identity = matchIdentity(p, m[0]);
      const n = (ordinals.get(identity) ?? 0) + 1;
      ordinals.set(identity, n);
      const location: Location = {
        path: file,
        startLine: lineNo,
        endLine: lineNo,
        startColumn: m.index + 1,
        endColumn: m.index + Math.max(1, m[0].length),
      };
      out.push({ location, key: n === 1 ? identity : `${identity}\u0000${n}`, ...graded });
    }
    return true;
  });
}

/**
 * {@link scanFile} for shell files: logical lines, and only matches a command acts on. `build`: the
 * file's commands run in a build or CI job.
 */
function scanShellFile(
  file: string,
  text: string,
  patterns: readonly CompiledPattern[],
  commentPrefixes: readonly string[],
  build: boolean,
  out: RawFinding[],
): void {
  const ordinals = new Map<string, number>();
  // The variables the script sets, read once and only for a request that may probe its own server.
  let defaults: Map<string, HostDefault> | undefined;
  let grouped: boolean | undefined;
  const script: ScriptProbe = {
    path: file,
    defaults: () => (defaults ??= hostDefaults(text)),
    groupsOutput: () => (grouped ??= groupsOutput(text)),
  };
  forEachLogicalLine(text, (line) => {
    if (commentPrefixes.length > 0 && isComment(line.text, commentPrefixes)) return;
    let commands: LineCommands | undefined;
    for (const p of patterns) {
      if (!p.re.test(line.text)) continue;
      commands ??= new LineCommands(line.text);
      p.all.lastIndex = 0;
      let m: RegExpExecArray | null;
      let facts: RequestFacts | undefined;
      for (m = p.all.exec(line.text); m; m = p.all.exec(line.text)) {
        // A group named `arg` is the part that must be an argument (`curl ... -k`: the `-k`).
        const arg = m.indices?.groups?.arg;
        const offset = arg ? arg[0] : m.index;
        if (commands.counts(offset, p.limits)) {
          if (!p.request) break;
          const flag = arg ? line.text.slice(arg[0], arg[1]) : m[0];
          facts = commands.request(offset, flag, p.limits.commands ?? new Set());
          // A certificate flag changes nothing on a plain-HTTP request or one through a local socket.
          if (!facts || !(facts.plainHttp || facts.localSocket)) break;
        }
        if (m[0].length === 0) p.all.lastIndex += 1;
      }
      if (!m) continue;
      const identity = matchIdentity(p, m[0]);
      const n = (ordinals.get(identity) ?? 0) + 1;
      ordinals.set(identity, n);
      const start = physicalPosition(line, m.index);
      const end = physicalPosition(line, m.index + Math.max(1, m[0].length) - 1);
      const location: Location = {
        path: file,
        startLine: start.line,
        // A match across continuation lines ends on the physical line where it ends.
        endLine: end.line,
        startColumn: start.column,
        endColumn: end.column,
      };
      const key = n === 1 ? identity : `${identity}\u0000${n}`;
      const graded: Pick<RawFinding, 'message' | 'severity' | 'confidence'> =
        p.request && facts
          ? gradeRequest(p.message, p.request, facts, build && !runsInContainer(file, line.text), script)
          : p.trustedHost
            ? gradeTrustedHost(p.message, p.trustedHost, m.groups?.host, indexUrls(line.text), true)!
            : { message: p.message };
      if (
        p.operands &&
        commands.everyOperand(m.indices?.groups?.arg?.[0] ?? m.index, p.operands.re, p.operands.subcommands)
      ) {
        graded.confidence = p.operands.confidence;
        graded.message = `${graded.message} ${p.operands.message}`;
      }
      out.push({ location, key, ...graded });
    }
  });
}

/**
 * A match's identity: the pattern and the matched text, or for a `redact` pattern the keyed hash of
 * the text the secret scanner gives a password (never the text): another secret is another finding.
 */
function matchIdentity(p: CompiledPattern, text: string): string {
  const pattern = showPattern(p.re);
  return `${pattern}\u0000${p.redact ? contextIdentity('redacted', '', text) : keyText(text)}`;
}

function isComment(line: string, prefixes: readonly string[]): boolean {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i += 1;
  return prefixes.some((p) => line.startsWith(p, i));
}
