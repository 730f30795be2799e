/**
 * The runner's side of the Action's output: workflow commands on stdout (`::warning file=…::text`)
 * and file commands (step outputs, the job summary). These few writers replace `@actions/core`,
 * whose module graph loads an HTTP client (undici, for OIDC tokens the Action never asks for) on
 * every start: about 40 ms of a cold start that should take 150 (docs/performance.md).
 *
 * The wire format is the runner's and is kept byte for byte as `@actions/core` 3 writes it, so the
 * end-to-end tests that compare exact stdout lines hold: command data escapes `%`, CR and LF;
 * property values also escape `:` and `,`; non-string values are JSON; lines end with `os.EOL`.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/** Where an annotation points and what it is called; empty fields are left out of the command. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

type CommandValue = string | number | boolean | null | undefined;

/** A value as the runner reads it: strings as they are, nothing as empty, anything else as JSON. */
function commandValue(value: CommandValue): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Escapes command data (the text after `::`): the runner decodes exactly these three. */
export function escapeData(value: CommandValue): string {
  return commandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value, where `:` would end the properties and `,` start the next one. */
export function escapeProperty(value: CommandValue): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Formats one workflow command line (without the line break). Properties with an empty value are
 * left out; like `@actions/core`, an object that has keys but only empty values still leaves the
 * space after the command name, which the runner accepts.
 */
export function formatCommand(
  command: string,
  properties: Readonly<Record<string, CommandValue>>,
  message: CommandValue,
): string {
  const keys = Object.keys(properties);
  const props = keys
    .filter((key) => properties[key])
    .map((key) => `${key}=${escapeProperty(properties[key])}`)
    .join(',');
  return `::${command}${keys.length > 0 ? ` ${props}` : ''}::${escapeData(message)}`;
}

function issue(command: string, properties: Readonly<Record<string, CommandValue>>, message: CommandValue) {
  process.stdout.write(formatCommand(command, properties, message) + EOL);
}

/** The runner's names for annotation properties (`line`, `col`), in the order the runner documents. */
function annotationProperties(p: AnnotationProperties): Record<string, CommandValue> {
  if (Object.keys(p).length === 0) return {};
  return {
    title: p.title,
    file: p.file,
    line: p.startLine,
    endLine: p.endLine,
    col: p.startColumn,
    endColumn: p.endColumn,
  };
}

/** A plain log line. Text that starts with `::` is a command to the runner: see `infoVerbatim`. */
export function info(message: string): void {
  process.stdout.write(message + EOL);
}

/** A line shown only when step debug logging is on. */
export function debug(message: string): void {
  issue('debug', {}, message);
}

/** An error annotation (on a file and line when `properties` say so). */
export function error(message: string, properties: AnnotationProperties = {}): void {
  issue('error', annotationProperties(properties), message);
}

/** A warning annotation. */
export function warning(message: string, properties: AnnotationProperties = {}): void {
  issue('warning', annotationProperties(properties), message);
}

/** A notice annotation. */
export function notice(message: string, properties: AnnotationProperties = {}): void {
  issue('notice', annotationProperties(properties), message);
}

/** Fails the step: exit code 1 when the process ends, and the message as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/** Asks the runner to mask `secret` wherever it would appear in the log from now on. */
export function setSecret(secret: string): void {
  issue('add-mask', {}, secret);
}

/** Runs `fn` with its log lines folded under `name`; the group is closed even if `fn` throws. */
export async function group<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  issue('group', {}, name);
  try {
    return await fn();
  } finally {
    issue('endgroup', {}, '');
  }
}

/**
 * A step output. On a runner (`GITHUB_OUTPUT` set) it is appended to that file as
 * `name<<delimiter`, the value, `delimiter`, with a random delimiter that neither the name nor the
 * value can contain, so a value with line breaks (or a line that looks like another output) cannot
 * set anything else. Without the file, the deprecated `set-output` command, as `@actions/core` does.
 */
export function setOutput(name: string, value: CommandValue): void {
  const file = process.env.GITHUB_OUTPUT;
  if (file) {
    appendFileCommand(file, keyValueMessage(name, commandValue(value)));
    return;
  }
  process.stdout.write(EOL);
  issue('set-output', { name }, commandValue(value));
}

/** `name<<delimiter`, the value, `delimiter`: the file-command form that any value fits in. */
export function keyValueMessage(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  // A UUID cannot be guessed in advance; checked anyway, since the format's safety rests on it.
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`the step output "${name}" contains its own random delimiter`);
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}`;
}

/**
 * Appends Markdown to the job summary (`GITHUB_STEP_SUMMARY`), followed by a line break. Throws when
 * the runner gave no summary file or it is gone; the caller reports that as a sink failure.
 */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) throw new Error('GITHUB_STEP_SUMMARY is not set: this runner has no job summary');
  appendFileCommand(file, markdown);
}

/** Appends one message and a line break to a file the runner created; a missing file is an error. */
function appendFileCommand(file: string, message: string): void {
  // The runner creates these files before the step starts; writing a new one would go unread.
  if (!existsSync(file)) throw new Error(`the runner's file ${file} does not exist`);
  appendFileSync(file, message + EOL, { encoding: 'utf8' });
}
