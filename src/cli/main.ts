import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCheck } from '../core/engine.js';
import { type FailOn, type Logger, SEVERITIES, UsageError } from '../core/types.js';
import { VERSION } from '../core/version.js';
import { renderJson, renderMarkdown, renderSarifString, renderText } from '../reporters/index.js';
import { controlsCommand, explainCommand, rulesCommand } from './commands.js';

/** Process exit codes: the contract scripts rely on. */
export const EXIT = { passed: 0, gateFailed: 1, usage: 2, internal: 3 } as const;

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

export const USAGE = `controlgate ${VERSION} — ISO/IEC 27002:2022 technological controls, checked as code

Usage:
  controlgate check [dir]     check a repository (default: the current directory)
  controlgate rules           list the rules (--kinds: the check kinds for custom rules)
  controlgate controls        list the 34 technological controls and the rules covering each
  controlgate explain <id>    explain a rule id or a control id (e.g. 8.28)

Options for check:
  --format <f>      text | json | sarif | markdown (default: text)
  --output <file>   write the report to a file instead of stdout
  --config <file>   configuration file (default: .controlgate.yml in the checked directory)
  --rules <dir>     extra rule directory (repeatable)
  --rule <id>       evaluate only this rule (repeatable)
  --fail-on <s>     info | low | medium | high | critical | never (default: config, else high)
  --color/--no-color  force or disable colours in the text report (default: on for a terminal)

Other options:
  --json            (rules, controls, explain) print JSON
  -h, --help        show this help
  -v, --version     print the version

Exit codes: 0 passed, 1 gate failed, 2 usage or configuration error, 3 internal error.`;

/** Streams the CLI writes to; injectable so tests can capture them. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError || isArgError(err)) {
      io.stderr(`controlgate: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    io.stderr(
      `controlgate: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT.internal;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      config: { type: 'string', short: 'c' },
      rules: { type: 'string', multiple: true },
      rule: { type: 'string', multiple: true },
      'fail-on': { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      json: { type: 'boolean' },
      kinds: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return EXIT.passed;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.stdout(`${USAGE}\n`);
    return values.help ? EXIT.passed : EXIT.usage;
  }
  const extraRuleDirs = values.rules ?? [];
  switch (command) {
    case 'check': {
      if (rest.length > 1) throw new UsageError(`check takes one directory, got: ${rest.join(' ')}`);
      return check(rest[0] ?? '.', values, io);
    }
    case 'rules':
      io.stdout(
        rulesCommand({ json: Boolean(values.json), kinds: Boolean(values.kinds), ruleDirs: extraRuleDirs }),
      );
      return EXIT.passed;
    case 'controls':
      io.stdout(controlsCommand({ json: Boolean(values.json), ruleDirs: extraRuleDirs }));
      return EXIT.passed;
    case 'explain': {
      const id = rest[0];
      if (!id || rest.length > 1)
        throw new UsageError('explain takes one rule id or control id, e.g. `explain 8.28`');
      io.stdout(explainCommand(id, { json: Boolean(values.json), ruleDirs: extraRuleDirs }));
      return EXIT.passed;
    }
    default:
      throw new UsageError(`unknown command "${command}" (try --help)`);
  }
}

interface CheckValues {
  format?: string;
  output?: string;
  config?: string;
  rules?: string[];
  rule?: string[];
  'fail-on'?: string;
  color?: boolean;
  'no-color'?: boolean;
}

async function check(dir: string, values: CheckValues, io: Io): Promise<number> {
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${values.format}"`);
  }
  const failOn = parseFailOn(values['fail-on']);
  const logger: Logger = {
    debug() {},
    info() {},
    warning: (m) => io.stderr(`warning: ${m}\n`),
    error: (m) => io.stderr(`error: ${m}\n`),
  };
  const report = await runCheck({
    root: dir,
    ...(values.config ? { configPath: values.config } : {}),
    ...(values.rules ? { ruleDirs: values.rules } : {}),
    ...(values.rule ? { onlyRules: values.rule } : {}),
    ...(failOn ? { failOn } : {}),
    logger,
  });
  const color = values['no-color']
    ? false
    : (values.color ?? (io.isTTY && !values.output && !process.env.NO_COLOR));
  const rendered =
    format === 'json'
      ? renderJson(report)
      : format === 'sarif'
        ? renderSarifString(report)
        : format === 'markdown'
          ? renderMarkdown(report)
          : renderText(report, { color });
  if (values.output) {
    const out = path.resolve(values.output);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, rendered);
    const gate = report.summary.gate;
    io.stderr(
      `controlgate: ${report.summary.findings} findings, ${report.summary.blocking} blocking; gate ${gate.result}; ${format} report written to ${values.output}\n`,
    );
  } else {
    io.stdout(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  }
  return report.summary.gate.result === 'fail' ? EXIT.gateFailed : EXIT.passed;
}

function parseFailOn(value: string | undefined): FailOn | undefined {
  if (value === undefined) return undefined;
  const allowed = [...SEVERITIES, 'never'];
  if (!allowed.includes(value))
    throw new UsageError(`--fail-on must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as FailOn;
}

function isArgError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
