/**
 * Answers to command lines the CLI cannot run: a short usage line and a pointer to `--help` instead
 * of Node's argument-parser text, with a suggestion when the typed name is close to a real one.
 */
import { didYouMean } from '../core/suggest.js';

/** The commands, in the order `--help` lists them. */
export const COMMANDS = ['check', 'fix', 'soa', 'init', 'rules', 'controls', 'explain', 'aggregate'] as const;

/** One usage line per command: what a person needs to retype the command correctly. */
const USAGE_LINES: Record<string, string> = {
  check:
    'controlgate check [dir] [--format text|json|sarif|markdown|junit|csv|cyclonedx|oscal] [--output file] [options]',
  fix: 'controlgate fix [dir] [--rule id]... [--dry-run] [options]',
  soa: 'controlgate soa [dir] [--format markdown|csv] [--output file] [options]',
  init: 'controlgate init [dir] [--controls file] [--default-branch name]',
  rules: 'controlgate rules [--kinds] [--json] [--rules dir]',
  controls: 'controlgate controls [--json] [--rules dir]',
  explain: 'controlgate explain <rule-id|control-id> [--json]',
  aggregate: 'controlgate aggregate <report.json|dir>... [--format markdown|json|sarif] [--output file]',
};

/** The short usage of `command` (or of the CLI), with the pointer to the full help. */
export function shortUsage(command?: string): string {
  const line = (command && USAGE_LINES[command]) ?? `controlgate <${COMMANDS.join('|')}> [options]`;
  return `usage: ${line}\nRun \`controlgate --help\` for every command and option.`;
}

/** `unknown command "chek" (did you mean check?)` and the usage. */
export function unknownCommand(command: string): string {
  return `unknown command "${command}"${didYouMean(command, COMMANDS)}\n${shortUsage()}`;
}

/**
 * The message for an error of `node:util` parseArgs (`ERR_PARSE_ARGS_*`), in controlgate's words:
 * what is wrong with which option, a suggestion for a mistyped one, and the command's usage.
 * `options` are the long option names the CLI knows (without dashes).
 */
export function argumentError(
  err: Error & { code?: string },
  argv: readonly string[],
  options: readonly string[],
): string {
  const command = argv.find((a) => !a.startsWith('-'));
  const usage = shortUsage(command && USAGE_LINES[command] ? command : undefined);
  // Node names the option in quotes: '--frmat', '--format <value>', '-o, --output <value>'.
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const named = /--[^\s,<=]+/.exec(quoted)?.[0] ?? /-[^\s,<=]+/.exec(quoted)?.[0] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const hint = named.startsWith('--')
        ? didYouMean(
            named,
            options.map((o) => `--${o}`),
          )
        : '';
      return `unknown option ${named}${hint}\n${usage}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message)
        ? `option ${named} needs a value\n${usage}`
        : `option ${named} takes no value\n${usage}`;
    default:
      return `${err.message}\n${usage}`;
  }
}
