import path from 'node:path';
import { locationFromSpan } from '../location.js';
import type { RawFinding } from '../types.js';
import { defineScreen, defineSelector, keysOfNames } from '../workspace/screens.js';
import type { Workspace } from '../workspace/workspace.js';
import {
  escapePointerToken,
  type NodeSpan,
  parseYaml,
  unescapePointerToken,
  type YamlDialect,
  type YamlDocument,
} from '../workspace/yaml.js';
import { type Interpolation, interpolate, parseDotenv } from './compose-interpolation.js';
import { devEnvironmentMark } from './devcontainer.js';
import { SCRIPT_FILES, scriptCommands } from './shell-commands.js';
import { workflowSources } from './workflow.js';
import { jobDeploys, workflowDeploys } from './workflow-deploys.js';
import type { Job } from './workflow-model.js';

/**
 * A model of Docker Compose files: the services of every compose file, each setting located in its
 * source. Compose files are found by name (`compose.yaml`, `docker-compose.yml`, and their
 * `compose.<name>.yaml` overrides, and swarm stack files such as `stack.yml`), anywhere, and by what
 * names them as one: what a compose file includes or extends, the `COMPOSE_FILE` of a project's
 * `.env`, and the files a script or workflow passes to `docker compose -f` or `docker stack deploy -c`
 * (see {@link composeFiles}). A service that `extends` another is judged with the settings it
 * inherits (see {@link serviceSetting}). Compose expands YAML merge keys (`<<: *defaults`), which
 * the project's YAML reader keeps as an ordinary key: a service's setting is looked up in its own keys
 * first, then in what it merges, as Compose does. Compose interpolates variables in every value before
 * it runs anything (`privileged: ${PRIVILEGED:-true}`): a service's values are read interpolated (see
 * compose-interpolation.ts), so every rule judges what Compose runs.
 */

/**
 * `compose.yaml`, `docker-compose.yml` and their variants, named as Compose's own lookup does
 * (`compose.override.yml`, `docker-compose.prod.yaml`) and as projects pass them with `-f`: a word
 * joined with `-` or `_` on either side (`docker-compose-dev.yml`, `docker-compose_test.yaml`,
 * `prod.docker-compose.yml`, `podman-compose.yml`). Not `composer.yml` nor `compose-file-schema.json`.
 */
const COMPOSE_NAME = /^(?:[^/]*[.\-_])?(?:docker-)?compose(?:[.\-_][^/]*)?\.ya?ml$/;

/** The compose files of a tree, by name (see screens.ts). */
export const COMPOSE_FILES = defineSelector(
  'compose-files',
  (f) => {
    if (f.includes('node_modules/')) return false;
    return COMPOSE_NAME.test(f.slice(f.lastIndexOf('/') + 1));
  },
  keysOfNames(['.yml', '.yaml']),
);

/**
 * Swarm stack files named for it (`stack.yml`, `docker-stack.yml`, `stack.prod.yaml`), which `docker
 * stack deploy -c` reads as compose files: a file so named is one when it has a top-level
 * `services:` (Haskell's `stack.yaml` has none).
 */
const STACK_NAME = /^(?:[^/]*[.\-_])?(?:docker-)?stack(?:[.\-_][^/]*)?\.ya?ml$/;
const STACK_GLOBS = ['**/*stack*.yml', '**/*stack*.yaml'];
const STACK_FILES = defineScreen(
  'compose-stack-files',
  (f, text) =>
    !f.includes('node_modules/') &&
    STACK_NAME.test(f.slice(f.lastIndexOf('/') + 1)) &&
    /^services[ \t]*:/m.test(text),
);

/** The project `.env` files that set `COMPOSE_FILE` (see {@link composeFiles}). */
const DOTENV_GLOBS = ['**/.env'];
const COMPOSE_FILE_ENV = defineScreen('compose-file-env', (_f, text) =>
  /^\s*(?:export\s+)?COMPOSE_FILE\s*=/m.test(text),
);

/** The scripts and workflows that may pass compose files to Compose or to `docker stack deploy`. */
const COMMAND_GLOBS = [...SCRIPT_FILES, '**/action.yml', '**/action.yaml'];
const COMPOSE_COMMAND = /\b(?:docker|podman)(?:-compose\b|\s[^\n]*?\bcompose\b|\s[^\n]*?\bstack\s+deploy\b)/;
const COMPOSE_COMMANDS = defineScreen('compose-commands', (_f, text) => COMPOSE_COMMAND.test(text));

/** Bound on the compose files of a tree, those named by other files included (a runaway `include` chain). */
const MAX_NAMED_FILES = 2000;

/**
 * The compose files of the workspace (computed once), in a stable order: those named as compose
 * files ({@link COMPOSE_FILES}), swarm stack files ({@link STACK_NAME}), and, whatever their name, the
 * files that Compose reads as compose files because something names them so: the `COMPOSE_FILE` of a
 * `.env` (a project's default files, split on `COMPOSE_PATH_SEPARATOR`, else `:` or Windows' `;`, from
 * the `.env`'s folder), the files a script, Makefile or workflow passes to `docker compose -f` /
 * `docker-compose --file` / `docker stack deploy -c` (from the repository's top, the script's own
 * folder, or a `working-directory:` the workflow names), and every file a compose file includes
 * (`include:`, short or long syntax) or extends (`extends.file`), transitively (each file once, so a
 * cycle ends). Only files of the tree are taken: a path outside it, absolute or with a variable names
 * none, and a symbolic link leading out of it is not followed (the workspace reports it unreadable).
 */
export function composeFiles(workspace: Workspace): readonly string[] {
  return workspace.memo('compose-subjects', '', () => {
    const files = [
      ...workspace.filesWhere(COMPOSE_FILES),
      ...workspace.screenedGlob(STACK_GLOBS, STACK_FILES),
    ];
    const seen = new Set(files);
    const add = (file: string) => {
      if (seen.has(file) || seen.size >= MAX_NAMED_FILES || !workspace.has(file)) return;
      seen.add(file);
      files.push(file);
    };
    for (const env of workspace.screenedGlob(DOTENV_GLOBS, COMPOSE_FILE_ENV)) {
      for (const file of composeFileVariable(workspace, env)) add(file);
    }
    for (const script of workspace.screenedGlob(COMMAND_GLOBS, COMPOSE_COMMANDS)) {
      for (const file of commandComposeFiles(workspace, script)) add(file);
    }
    // What the compose files include or extend, and what those do in turn.
    for (let i = 0; i < files.length; i++) {
      for (const ref of composeFileReferences(workspace, files[i]!)) if (ref.key !== 'build') add(ref.to);
    }
    return files;
  });
}

/** Resolves a path a file names from one of `dirs`, within the tree; undefined when it cannot be known. */
function resolveNamed(workspace: Workspace, ref: string, dirs: readonly string[]): string | undefined {
  const written = ref.trim();
  if (written === '' || written === '-' || /^[a-z][\w+.-]*:|^[/~]|[$`{}*]/i.test(written)) return undefined;
  for (const dir of dirs) {
    const to = path.posix.normalize(path.posix.join(dir, written)).replace(/\/+$/, '');
    if (to === '.' || to === '..' || to.startsWith('../')) continue;
    if (workspace.has(to)) return to;
  }
  return undefined;
}

/** The files of a `.env`'s `COMPOSE_FILE`, from the `.env`'s folder (see {@link composeFiles}). */
function composeFileVariable(workspace: Workspace, env: string): string[] {
  const text = workspace.text(env);
  if (text === undefined) return [];
  const values = parseDotenv(text);
  const list = values.get('COMPOSE_FILE');
  if (!list) return [];
  const separator = values.get('COMPOSE_PATH_SEPARATOR');
  const parts = separator ? list.split(separator) : list.split(/[:;]/);
  const dir = path.posix.dirname(env);
  return parts.flatMap((p) => resolveNamed(workspace, p, [dir]) ?? []);
}

/**
 * The files a script or workflow passes to Compose (`docker compose -f a.yml -f b.yml`, `docker-compose
 * --file=a.yml`, `podman compose`) or to `docker stack deploy -c` / `--compose-file`.
 */
function commandComposeFiles(workspace: Workspace, script: string): string[] {
  return composeCommands(workspace, script).flatMap((c) => c.files);
}

/**
 * The Compose commands of a script or workflow, each with the compose files it is given (`-f`), the
 * variable files (`--env-file`, Compose only) and the folders its paths are read from.
 * Read line by line (a line continued with `\` is one), from where the command starts, so that a
 * workflow's `run:` or a Makefile's recipe reads as the shell does.
 */
function composeCommands(
  workspace: Workspace,
  script: string,
): { files: string[]; envFiles: string[]; dirs: readonly string[] }[] {
  const text = workspace.text(script);
  if (text === undefined) return [];
  const dir = path.posix.dirname(script) === '.' ? '' : path.posix.dirname(script);
  const dirs = [''];
  if (script.startsWith('.github/workflows/')) {
    for (const m of text.matchAll(/working-directory:\s*['"]?([^'"\s#]+)/g))
      dirs.push(m[1]!.replace(/^\.\//, ''));
  } else if (dir !== '') dirs.push(dir);
  const out: { files: string[]; envFiles: string[]; dirs: readonly string[] }[] = [];
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const start = line.search(COMPOSE_COMMAND);
    if (start < 0) continue;
    for (const view of scriptCommands(line, start)) {
      const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
      const options = fileOptions(view.name, words);
      if (!options) continue;
      const [short, long] = options.names;
      const after = options.words;
      const command = { files: [] as string[], envFiles: [] as string[], dirs };
      for (let k = 0; k < after.length; k++) {
        const w = after[k]!;
        let value: string | undefined;
        let env = false;
        if (w === short || w === long) value = after[++k];
        else if (w.startsWith(`${long}=`) || w.startsWith(`${short}=`)) value = w.slice(w.indexOf('=') + 1);
        else if (long === '--file' && w === '--env-file') [value, env] = [after[++k], true];
        else if (long === '--file' && w.startsWith('--env-file=')) [value, env] = [w.slice(11), true];
        const file = value === undefined ? undefined : resolveNamed(workspace, value, dirs);
        if (file) (env ? command.envFiles : command.files).push(file);
      }
      out.push(command);
    }
  }
  return out;
}

/**
 * For a command that reads compose files, the words after its subcommand and the names of the option
 * that passes one: `-f`/`--file` after `docker compose` (or anywhere for `docker-compose`), `-c`/
 * `--compose-file` after `docker stack deploy` (before it, `-c` is docker's `--context`).
 */
function fileOptions(
  name: string,
  words: readonly string[],
): { words: readonly string[]; names: [string, string] } | undefined {
  if (name === 'docker-compose' || name === 'podman-compose') return { words, names: ['-f', '--file'] };
  if (name !== 'docker' && name !== 'podman') return undefined;
  const compose = words.indexOf('compose');
  if (compose >= 0) return { words: words.slice(compose + 1), names: ['-f', '--file'] };
  const stack = words.indexOf('stack');
  if (stack >= 0 && words[stack + 1] === 'deploy') {
    return { words: words.slice(stack + 2), names: ['-c', '--compose-file'] };
  }
  return undefined;
}

/** Bound on nested merge keys followed for one lookup (a merge of a merge of ...). */
const MAX_MERGE_DEPTH = 10;

const ORIGIN: NodeSpan = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** A value of a compose file, with where it sits and, for a value written elsewhere, where that is. */
export interface ComposeNode<T = unknown> {
  value: T;
  pointer: string;
  /** Where the value is reported: its own place, or the alias (`*name`, `<<: *name`) bringing it here. */
  span: NodeSpan;
  /** For a value reached through an anchor: the line where it is written and the anchor's name. */
  definedAt?: { line: number; anchor: string };
  /**
   * For a setting a service inherits through `extends`: the service that writes it and the value
   * there (the node is then located at the inheriting service's `extends:` key).
   */
  inherited?: { service: ComposeService; node: ComposeNode };
}

/** One service of a compose file. */
export interface ComposeService {
  path: string;
  document: YamlDocument;
  name: string;
  node: ComposeNode<Record<string, unknown>>;
  /** The project's `.env` (the compose file's folder) its values are interpolated with, if any. */
  envFile?: EnvFile;
  /** Why the whole compose file is likely no deployment, from what other files say of it. */
  stack?: string;
  /**
   * Why the compose file is deployed, whatever its name says: a compose file that is no test or
   * development stack includes or extends it, or a workflow job that deploys starts it.
   */
  deployed?: string;
  /**
   * The service it extends (`extends: {file, service}`, or a service of its own file), with what that
   * one extends in turn: Compose copies its settings into this one unless this one sets them.
   */
  base?: ComposeService;
}

/** A YAML mapping (not a sequence, not null). */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The node at `pointer` of a compose document, located at the alias when it comes from an anchor. */
export function nodeAt(document: YamlDocument, pointer: string, value: unknown): ComposeNode {
  const origin = document.origin(pointer);
  if (origin) {
    return {
      value,
      pointer,
      span: origin.alias,
      definedAt: { line: origin.span.key?.line ?? origin.span.start.line, anchor: origin.anchor },
    };
  }
  return { value, pointer, span: document.span(pointer) ?? document.nearestSpan(pointer) ?? ORIGIN };
}

/**
 * Compose's own merge tags (Compose 2.24+): `!reset` takes a setting out of the merged result and
 * `!override` replaces it instead of merging. Both are valid Compose, so the file parses; the tagged
 * value is read as written, which for `!reset` keeps a setting Compose would drop (a finding on it
 * errs toward reporting, and a tag never hides one).
 */
const COMPOSE_YAML: YamlDialect = { ignoredTags: ['!reset', '!override'] };

/**
 * The services of one compose file (cached per run). A compose file that does not parse is recorded
 * as an input problem, reported once by the `unparsable-file` rule, unless it is a template (`{{ }}`),
 * which is not meant to parse as it stands. Compose's merge tags are read as Compose reads them
 * (see {@link COMPOSE_YAML}).
 */
export function readComposeServices(workspace: Workspace, file: string): ComposeService[] {
  return workspace.memo('compose', file, () => {
    const text = workspace.configText(file);
    if (text === undefined) return [];
    const parsed = parseYaml(text, undefined, COMPOSE_YAML);
    if (!parsed.ok) {
      if (!text.includes('{{')) workspace.reportProblem({ path: file, ...parsed.error });
      return [];
    }
    const services: ComposeService[] = [];
    // Compose interpolates every value (never a key) before it runs anything.
    const envFile = text.includes('$') ? projectEnvFile(workspace, file) : undefined;
    const env = envFile?.values ?? new Map<string, string>();
    const given = text.includes('$') ? givenEnvFiles(workspace, file, envFile) : [];
    const copies = new WeakMap<object, unknown>();
    for (const document of parsed.documents) {
      const root = document.value;
      if (!isMap(root) || !isMap(root.services)) continue;
      for (const [name, written] of Object.entries(root.services)) {
        if (!isMap(written)) continue;
        const value = text.includes('$') ? (interpolated(written, env, copies) as typeof written) : written;
        const pointer = `/services/${escapePointerToken(name)}`;
        services.push({
          path: file,
          document,
          name,
          node: nodeAt(document, pointer, value) as ComposeNode<Record<string, unknown>>,
          ...(envFile ? { envFile } : {}),
        });
        // A run given another variable file: the settings it makes differ, judged as that run's
        // (the others are the same as the service's, judged once).
        for (const other of given) {
          const variant = interpolated(written, other.values, new WeakMap()) as typeof written;
          const differing = Object.keys(variant).filter(
            (k) => JSON.stringify(variant[k]) !== JSON.stringify(value[k]),
          );
          if (differing.length === 0) continue;
          const partial = Object.fromEntries(differing.map((k) => [k, variant[k]]));
          services.push({
            path: file,
            document,
            name,
            node: nodeAt(document, pointer, partial) as ComposeNode<Record<string, unknown>>,
            envFile: other,
          });
        }
      }
    }
    return services;
  });
}

/**
 * The project's `.env`, which Compose reads for interpolation: the one in the compose file's folder
 * (the project directory when the file is given with `-f`). A container's `env_file:` is the
 * container's environment, not the project's, and takes no part.
 */
function projectEnvFile(workspace: Workspace, file: string): EnvFile | undefined {
  const dir = path.posix.dirname(file);
  const envPath = dir === '.' ? '.env' : `${dir}/.env`;
  if (!workspace.has(envPath)) return undefined;
  const text = workspace.text(envPath);
  return text === undefined ? undefined : { path: envPath, values: parseDotenv(text) };
}

/**
 * The variable files a script, Makefile or workflow passes with `--env-file` to a Compose command that
 * reads `file` (see {@link commandEnvFiles}), each read over the project's `.env`: a run given one
 * interpolates with what it sets.
 */
function givenEnvFiles(workspace: Workspace, file: string, project: EnvFile | undefined): EnvFile[] {
  const out: EnvFile[] = [];
  for (const env of commandEnvFiles(workspace).get(file) ?? []) {
    if (env === project?.path || out.some((e) => e.path === env) || out.length >= MAX_GIVEN_ENV_FILES)
      continue;
    const text = workspace.text(env);
    if (text === undefined) continue;
    const values = new Map(project?.values ?? []);
    for (const [k, v] of parseDotenv(text)) values.set(k, v);
    out.push({ path: env, values, given: true });
  }
  return out;
}

/** Variable files given to the commands that read one compose file, judged at most. */
const MAX_GIVEN_ENV_FILES = 8;

/** The variables a compose file is interpolated with (see {@link projectEnvFile}). */
export interface EnvFile {
  path: string;
  values: ReadonlyMap<string, string>;
  /** A file a Compose command of the repository is given with `--env-file` (over the `.env`). */
  given?: true;
}

/** The file names Compose looks for in its working folder when no `-f` is given. */
const DEFAULT_COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/**
 * For each compose file, the files that the repository's scripts, Makefiles and workflows pass with
 * `--env-file` to a Compose command that reads it: named with `-f`, or, without one, the default
 * compose file of the folder the command runs in (the repository's top, the script's own folder, or a
 * `working-directory:` the workflow names). Computed once.
 */
function commandEnvFiles(workspace: Workspace): ReadonlyMap<string, readonly string[]> {
  return workspace.memo('compose-env-files', '', () => {
    const out = new Map<string, string[]>();
    for (const script of workspace.screenedGlob(COMMAND_GLOBS, COMPOSE_COMMANDS)) {
      if (!workspace.text(script)?.includes('--env-file')) continue;
      for (const command of composeCommands(workspace, script)) {
        if (command.envFiles.length === 0) continue;
        const files =
          command.files.length > 0
            ? command.files
            : command.dirs.flatMap((d) =>
                DEFAULT_COMPOSE_NAMES.map((n) => (d === '' ? n : `${d}/${n}`)).filter((f) =>
                  workspace.has(f),
                ),
              );
        for (const f of files) out.set(f, [...(out.get(f) ?? []), ...command.envFiles]);
      }
    }
    return out;
  });
}

/**
 * A compose value with its strings interpolated (see compose-interpolation.ts): a string Compose
 * would not run (a required variable set nowhere, an invalid template) is kept as written. A node
 * shared through aliases is copied once, so a copy is no larger than the document.
 */
function interpolated(
  value: unknown,
  env: ReadonlyMap<string, string>,
  copies: WeakMap<object, unknown>,
): unknown {
  if (typeof value === 'string') return interpolate(value, env)?.value ?? value;
  if (typeof value !== 'object' || value === null) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const v of value) copy.push(interpolated(v, env, copies));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  copies.set(value, copy);
  for (const [k, v] of Object.entries(value)) copy[k] = interpolated(v, env, copies);
  return copy;
}

/** Bound on the values read under a node for {@link interpolationsAt}. */
const MAX_NOTED_VALUES = 200;

/**
 * The strings under `pointer` of a service (the node itself, or the values of a collection) that
 * name variables, with what Compose makes of them: for a finding to say where its value comes from,
 * and for a rule to leave alone a value the deployer's environment decides.
 */
export function interpolationsAt(service: ComposeService, pointer: string): Interpolation[] {
  if (!pointer.startsWith(service.node.pointer)) return [];
  let value: unknown = service.document.value;
  for (const token of pointer.split('/').slice(1)) {
    if (typeof value !== 'object' || value === null) return [];
    const key = unescapePointerToken(token);
    value = (value as Record<string, unknown>)[key];
  }
  const env = service.envFile?.values ?? new Map<string, string>();
  const out: Interpolation[] = [];
  const stack: unknown[] = [value];
  let seen = 0;
  while (stack.length > 0 && seen++ < MAX_NOTED_VALUES) {
    const v = stack.pop();
    if (typeof v === 'string') {
      const i = interpolate(v, env);
      if (i && i.uses.length > 0 && !out.some((o) => o.written === i.written)) out.push(i);
    } else if (Array.isArray(v)) stack.push(...v.slice(0, MAX_NOTED_VALUES).reverse());
    else if (isMap(v)) stack.push(...Object.values(v).slice(0, MAX_NOTED_VALUES).reverse());
  }
  return out;
}

/**
 * {@link interpolationsAt} for a node of a service's settings, read where it is written: in the
 * service it inherits it from, for an inherited one.
 */
export function nodeInterpolations(service: ComposeService, node: ComposeNode): Interpolation[] {
  return node.inherited
    ? interpolationsAt(node.inherited.service, node.inherited.node.pointer)
    : interpolationsAt(service, node.pointer);
}

/** What a finding says of the variables its value is written with (see {@link interpolationsAt}). */
function interpolationNote(service: ComposeService, node: ComposeNode): string {
  const [first] = interpolationsAt(service, node.pointer);
  if (!first) return '';
  const names = (from: string) => [...new Set(first.uses.filter((u) => u.from === from).map((u) => u.name))];
  const parts: string[] = [];
  const fromFile = names('env-file');
  if (fromFile.length > 0 && service.envFile) {
    const how = service.envFile.given
      ? 'which a Compose command of the repository is given with --env-file'
      : 'which Compose reads';
    parts.push(
      `${service.envFile.path}, ${how}, sets ${fromFile.map((n) => `${n}=${JSON.stringify(service.envFile!.values.get(n))}`).join(', ')}`,
    );
  }
  const defaulted = names('default');
  if (defaulted.length > 0) {
    parts.push(
      `${defaulted.join(', ')} ${defaulted.length > 1 ? 'are' : 'is'} set nowhere in the repository (the deployer's environment), so this judges the default Compose uses without ${defaulted.length > 1 ? 'them' : 'it'}`,
    );
  }
  const unset = names('unset');
  if (unset.length > 0) {
    parts.push(
      `${unset.join(', ')} ${unset.length > 1 ? 'are set nowhere in the repository and have' : 'is set nowhere in the repository and has'} no default, so this judges the empty string Compose uses without ${unset.length > 1 ? 'them' : 'it'}`,
    );
  }
  return parts.length > 0 ? ` (written ${JSON.stringify(first.written)}: ${parts.join('; ')})` : '';
}

/**
 * Every service of every compose file of the workspace. The rule examined the files that hold a
 * service: a compose file of networks and volumes only has nothing to judge.
 */
export function composeServices(workspace: Workspace): ComposeService[] {
  const services = workspace.memo('compose-services', '', () => {
    const files = composeFiles(workspace);
    const tests = testStacks(workspace, files);
    const bases = new Map<string, ComposeService | undefined>();
    return files.flatMap((f) => {
      const demo = tests.has(f) ? undefined : demoReadme(workspace, f);
      const stack =
        tests.get(f) ??
        (demo &&
          `the README beside the compose file, ${demo.readme}, calls it "${demo.words}": a demonstration or an example for users to adapt, not a deployment`);
      const services = readComposeServices(workspace, f);
      const deployed = services.length > 0 ? deployedStack(workspace, f) : undefined;
      return services.map((s) => {
        const base = extendedService(workspace, s, bases, new Set());
        return {
          ...s,
          ...(stack ? { stack } : {}),
          ...(deployed ? { deployed } : {}),
          ...(base ? { base } : {}),
        };
      });
    });
  });
  workspace.examineOnly(new Set(services.map((s) => s.path)));
  return services;
}

/** Bound on the chain of services followed through `extends` (a base that extends another, ...). */
const MAX_EXTENDS_DEPTH = 10;

/**
 * The service `service` extends, resolved with what that one extends in turn (memoised in `bases` by
 * file and name); undefined when it extends none, or one the tree does not have (a file outside it,
 * written with a variable), or a chain that loops back (Compose refuses it) or runs too deep.
 */
function extendedService(
  workspace: Workspace,
  service: ComposeService,
  bases: Map<string, ComposeService | undefined>,
  chain: Set<string>,
): ComposeService | undefined {
  const written = lookup(service.document, service.node.pointer, service.node.value, 'extends', 0)?.value;
  const name = typeof written === 'string' ? written : isMap(written) ? written.service : undefined;
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  const ref = isMap(written) ? written.file : undefined;
  let file = service.path;
  if (ref !== undefined) {
    if (typeof ref !== 'string') return undefined;
    const dir = path.posix.dirname(service.path);
    const found = resolveNamed(workspace, ref, [dir === '.' ? '' : dir]);
    if (!found) return undefined;
    file = found;
  }
  const key = `${file}\u0000${name.trim()}`;
  if (bases.has(key)) return bases.get(key);
  if (chain.has(key) || chain.size >= MAX_EXTENDS_DEPTH) return undefined;
  const target = readComposeServices(workspace, file).find((s) => s.name === name.trim());
  if (!target || target === service) return undefined;
  chain.add(key);
  const further = extendedService(workspace, target, bases, chain);
  chain.delete(key);
  const resolved = further ? { ...target, base: further } : target;
  bases.set(key, resolved);
  return resolved;
}

/** A path a compose file names: an `include`, an `extends.file`, or a service's `build` context. */
export interface ComposeReference {
  from: string;
  to: string;
  key: 'include' | 'extends' | 'build';
  /** A build's Dockerfile, from its context (`build.dockerfile`, else `Dockerfile`). */
  dockerfile?: string;
}

/**
 * The paths the compose files of the workspace name (computed once): what they include
 * (`include: [a.yml]`, `include: [{path: a.yml}]`), the files their services extend
 * (`extends.file`), and their services' build contexts, resolved from each file's folder. Paths
 * outside the tree, absolute, or with a variable are left out. Read from the files named as compose
 * files only (not {@link composeFiles}): the test-path context (confidence.ts) reads it, and reads no
 * other file than those `readByContext` names.
 */
export function composeReferences(workspace: Workspace): readonly ComposeReference[] {
  return workspace.memo('compose-references', '', () =>
    workspace.filesWhere(COMPOSE_FILES).flatMap((from) => composeFileReferences(workspace, from)),
  );
}

/** The paths one compose file names (see {@link composeReferences}); none when it does not parse. */
export function composeFileReferences(workspace: Workspace, from: string): ComposeReference[] {
  const text = workspace.configText(from);
  if (text === undefined) return [];
  const parsed = parseYaml(text, undefined, COMPOSE_YAML);
  if (!parsed.ok) return [];
  const out: ComposeReference[] = [];
  const add = (key: ComposeReference['key'], ref: unknown, dockerfile?: unknown) => {
    if (typeof ref !== 'string' || ref.trim() === '' || /^[a-z][\w+.-]*:|^\/|[$*{]/i.test(ref.trim())) return;
    const to = path.posix
      .normalize(path.posix.join(path.posix.dirname(from), ref.trim()))
      .replace(/\/+$/, '');
    if (to === '.' || to === '..' || to.startsWith('../')) return;
    if (key !== 'build') out.push({ from, to, key });
    else {
      const file =
        typeof dockerfile === 'string' && dockerfile.trim() !== '' ? dockerfile.trim() : 'Dockerfile';
      out.push({ from, to, key, dockerfile: file });
    }
  };
  for (const document of parsed.documents) {
    const root = document.value;
    if (!isMap(root)) continue;
    for (const entry of Array.isArray(root.include) ? root.include : []) {
      if (!isMap(entry)) add('include', entry);
      else for (const p of Array.isArray(entry.path) ? entry.path : [entry.path]) add('include', p);
    }
    if (!isMap(root.services)) continue;
    for (const service of Object.values(root.services)) {
      if (!isMap(service)) continue;
      if (isMap(service.extends)) add('extends', service.extends.file);
      if (typeof service.build === 'string') add('build', service.build);
      else if (isMap(service.build)) add('build', service.build.context ?? '.', service.build.dockerfile);
    }
  }
  return out;
}

/**
 * Words of a deployed environment (`docker-compose.prod_tests.yml`, `ci/staging/compose.yml`): a
 * compose file whose path carries one is that environment's stack, whatever test or CI word it also
 * carries.
 */
const DEPLOYED_ENVIRONMENT_WORDS = new Set([
  'prod',
  'production',
  'prd',
  'stage',
  'staging',
  'live',
  'release',
]);

/** Whether a path names a deployed environment in one of its words (see {@link DEPLOYED_ENVIRONMENT_WORDS}). */
export function namesDeployedEnvironment(file: string): boolean {
  return file
    .toLowerCase()
    .split(/[/._-]+/)
    .some((w) => DEPLOYED_ENVIRONMENT_WORDS.has(w));
}

/** Whether a job's steps name a file: its path, or its name as a word (`-f docker-compose.prod_tests.yml`). */
function jobNames(job: Job, file: string): boolean {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const word = new RegExp(`(?:^|[^\\w.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`);
  return job.steps.some((step) =>
    [step.run?.value, ...[...(step.with?.entries.values() ?? [])].map((v) => v.value)].some(
      (v) => typeof v === 'string' && (v.includes(file) || word.test(v)),
    ),
  );
}

/**
 * The workflow job that deploys (see workflow-deploys.ts `jobDeploys`) and starts the compose file, if any, as
 * `<workflow> (job <id>)`: what it brings up is a deployment, whatever the file is named.
 */
export function composeDeployedBy(workspace: Workspace, file: string): string | undefined {
  for (const source of workflowSources(workspace)) {
    if (source.kind !== 'workflow') continue;
    const job = source.jobs.find((j) => jobDeploys(j) && jobNames(j, file));
    if (job) return `${source.path} (job ${job.id})`;
  }
  return undefined;
}

/**
 * Why a compose file is deployed, whatever its name says: a workflow job that deploys starts it, or
 * a compose file that is not itself named or placed as a test, development or example stack
 * includes or extends it.
 */
export function deployedStack(workspace: Workspace, file: string): string | undefined {
  const job = composeDeployedBy(workspace, file);
  if (job) return `the workflow ${job}, which deploys, starts it`;
  const remote = workflowDeploys(workspace).find((d) => d.to === file);
  if (remote)
    return `the workflow ${remote.job} brings it up on a host it deploys to (an environment, a self-hosted runner or another Docker host)`;
  const by = composeReferences(workspace).find(
    (r) => r.to === file && r.from !== file && r.key !== 'build' && pathNotDeployed(r.from) === undefined,
  );
  return (
    by && `${by.from}, no test or development stack, ${by.key === 'include' ? 'includes' : 'extends'} it`
  );
}

/** Words of a script's name or folder that make it a test's (`contnet-tests.sh`, `e2e/up.sh`). */
const TEST_SCRIPT_WORDS = new Set(['test', 'tests', 'testing', 'e2e', 'integration', 'smoke']);

/**
 * The compose files (not at the root, whose name scripts share) that only test scripts use: every
 * script, Makefile or workflow that names the file's path names a test in its own path, and one does
 * at least. Such a file brings up a throw-away environment for a test run.
 */
function testStacks(workspace: Workspace, files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const nested = files.filter((f) => f.includes('/'));
  if (nested.length === 0) return out;
  const users = new Map<string, string[]>(nested.map((f) => [f, []]));
  for (const script of workspace.glob(SCRIPT_FILES)) {
    const text = workspace.text(script);
    if (text === undefined) continue;
    for (const f of nested) if (text.includes(f)) users.get(f)!.push(script);
  }
  for (const [file, scripts] of users) {
    const isTest = (p: string) =>
      p
        .toLowerCase()
        .split(/[/._-]+/)
        .some((w) => TEST_SCRIPT_WORDS.has(w));
    if (scripts.length > 0 && scripts.every(isTest)) {
      out.set(
        file,
        `the compose file is used only by test scripts (${scripts.slice(0, 2).join(', ')}): a throw-away environment for a test run, not a deployment`,
      );
    }
  }
  return out;
}

/**
 * A setting of a service: its own key, else the first merge source (`<<: *a` or `<<: [*a, *b]`) that
 * has it, as Compose resolves merge keys; else, for a service that `extends` another, the setting that
 * one has (inherited). A sequence both set is merged as Compose merges it (see {@link serviceEntries}):
 * the node is the service's own, its value the merged list, so read its entries with
 * {@link serviceEntries}, which locates each. Any other value the service sets replaces the inherited
 * one. An inherited node is located at the service's `extends:` key, and says where it is written
 * (`inherited`).
 */
export function serviceSetting(service: ComposeService, key: string): ComposeNode | undefined {
  const own = lookup(service.document, service.node.pointer, service.node.value, key, 0);
  const from = service.base && serviceSetting(service.base, key);
  if (!from) return own;
  if (!own) return inheritedNode(service, from);
  if (Array.isArray(own.value) && Array.isArray(from.value)) {
    return { ...own, value: serviceEntries(service, key).map((e) => e.value) };
  }
  return own;
}

/**
 * The entries of a sequence setting of a service (`volumes`, `cap_add`, `devices`, ...), each located:
 * its own at their place, then, for a service that `extends` another, those it inherits and does not
 * replace, located at its `extends:` key. Compose appends the inherited entries to the service's own,
 * except that a volume or a device the service mounts at the same target replaces the inherited one.
 */
export function serviceEntries(service: ComposeService, key: string): ComposeNode[] {
  const own = lookup(service.document, service.node.pointer, service.node.value, key, 0);
  const entries = Array.isArray(own?.value)
    ? own.value.map((v, i) => nodeAt(service.document, `${own.pointer}/${i}`, v))
    : [];
  if (!service.base) return entries;
  const inherited = serviceEntries(service.base, key);
  const byTarget = key === 'volumes' || key === 'devices';
  const targets = new Set(entries.map((e) => (byTarget ? mountTarget(e.value) : undefined)));
  const written = new Set(entries.map((e) => JSON.stringify(e.value)));
  for (const entry of inherited) {
    const target = byTarget ? mountTarget(entry.value) : undefined;
    if (target !== undefined ? targets.has(target) : written.has(JSON.stringify(entry.value))) continue;
    entries.push(inheritedNode(service, entry));
  }
  return entries;
}

/** The container path of a volume or a device (`src:/target:ro`, `{target: /x}`), or undefined. */
function mountTarget(entry: unknown): string | undefined {
  if (isMap(entry)) return typeof entry.target === 'string' ? entry.target.trim() : undefined;
  if (typeof entry !== 'string') return undefined;
  const parts = entry.trim().split(':');
  return (parts.length === 1 ? parts[0] : parts[1])?.trim() || undefined;
}

/**
 * A value `service` inherits through `extends` (from its base's node `from`), located at the
 * service's `extends:` key and keeping where it is written (the first service of the chain that
 * writes it).
 */
function inheritedNode(service: ComposeService, from: ComposeNode): ComposeNode {
  const pointer = `${service.node.pointer}/extends`;
  const span = service.document.span(pointer);
  const at = span?.key ?? span?.start ?? service.node.span.start;
  return {
    value: from.value,
    pointer,
    span: { start: at, end: at },
    inherited: from.inherited ?? { service: service.base!, node: from },
  };
}

function lookup(
  document: YamlDocument,
  pointer: string,
  map: Record<string, unknown>,
  key: string,
  depth: number,
): ComposeNode | undefined {
  if (Object.hasOwn(map, key)) {
    const p = `${pointer}/${escapePointerToken(key)}`;
    return nodeAt(document, p, map[key]);
  }
  if (depth >= MAX_MERGE_DEPTH || !Object.hasOwn(map, '<<')) return undefined;
  const merged = map['<<'];
  const sources = Array.isArray(merged)
    ? merged.map((v, i) => [v, `/${i}`] as const)
    : [[merged, ''] as const];
  for (const [source, suffix] of sources) {
    if (!isMap(source)) continue;
    const found = lookup(document, `${pointer}/<<${suffix}`, source, key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** How a service is named in messages: `service "web"`. */
export function describeService(service: ComposeService): string {
  return `service "${service.name}"`;
}

/** Words of a compose file's name that make it a sample for users to adapt (`docker-compose.example.yml`). */
const EXAMPLE_WORDS = new Set(['example', 'examples', 'sample', 'samples']);

/**
 * Words of a compose file's name that make it a development, test or preview environment
 * (`docker-compose.dev.yml`, `compose.e2e.yaml`, `docker-compose.ci.yml`): a developer's machine, a
 * CI job or a short-lived preview of a pull request, not a deployment.
 */
const ENVIRONMENT_WORDS = new Set([
  'dev',
  'devel',
  'develop',
  'development',
  'local',
  'debug',
  'test',
  'tests',
  'testing',
  'e2e',
  'ci',
  'preview',
]);

/**
 * Whole folder names that make a compose file a sample for users to adapt or contributed material the
 * project does not run: `examples/`, `samples/`, `demo/`, `contrib/` (unsupported extras of users).
 */
const EXAMPLE_FOLDER_WORDS = new Set([...EXAMPLE_WORDS, 'demo', 'demos', 'contrib']);

/**
 * The folder of a compose file's path whose whole name (less a leading dot) is one of
 * {@link ENVIRONMENT_WORDS} (`.ci/`, `test/`, `e2e/`, `dev/`, `develop/`): a folder of a development,
 * test or CI environment. A folder whose name only contains such a word (`ci-server/`, `dev-tools/`) is not one.
 */
function environmentFolder(file: string): string | undefined {
  const dirs = file.split('/').slice(0, -1);
  const dir = dirs.find((d) => ENVIRONMENT_WORDS.has(d.toLowerCase().replace(/^\./, '')));
  return dir === undefined ? undefined : `${dir}/`;
}

/**
 * The folder of a compose file's path whose whole name is one of {@link EXAMPLE_FOLDER_WORDS}, or, unless
 * the path names a deployed environment (`demo-prod/`), one whose name has such a word among the words
 * `-`, `_` and `.` part (`demo-setups/`, `example_stacks/`).
 */
function exampleFolder(file: string, production: boolean): string | undefined {
  const dirs = file.split('/').slice(0, -1);
  const dir =
    dirs.find((d) => EXAMPLE_FOLDER_WORDS.has(d.toLowerCase())) ??
    (production
      ? undefined
      : dirs.find((d) =>
          d
            .toLowerCase()
            .split(/[.\-_]+/)
            .some((w) => EXAMPLE_FOLDER_WORDS.has(w)),
        ));
  return dir === undefined ? undefined : `${dir}/`;
}

/** README names of a folder, as they are written. */
const README_NAMES = ['README.md', 'README', 'README.rst', 'README.txt', 'readme.md', 'Readme.md'];

/**
 * What a folder's README says of the stack beside it that makes it a demonstration or an example:
 * "for demonstration purposes", "demo only", "not intended for production", or "an example Docker
 * Compose file". Read in its first lines only, where such a warning is written.
 */
const DEMO_README =
  /\b(?:for demonstration purposes|demo(?:nstration)? only|not (?:intended |meant |suitable |ready )?for production|examples? (?:docker[- ])?compose files?)\b/i;

/** How much of a README is read for {@link DEMO_README}. */
const README_HEAD = 2000;

/**
 * The README of a compose file's own folder (never the root's, which speaks for the repository)
 * that calls the stack a demonstration or an example, and the words it uses.
 */
function demoReadme(workspace: Workspace, file: string): { readme: string; words: string } | undefined {
  const slash = file.lastIndexOf('/');
  if (slash < 0) return undefined;
  const dir = file.slice(0, slash + 1);
  for (const name of README_NAMES) {
    const readme = `${dir}${name}`;
    if (!workspace.has(readme)) continue;
    const words = workspace.text(readme)?.slice(0, README_HEAD).match(DEMO_README)?.[0];
    if (words) return { readme, words };
  }
  return undefined;
}

/** Build targets that name a development stage of the Dockerfile (`target: development`). */
const DEVELOPMENT_TARGET = /^(?:dev|devel|develop|development|debug|local|test|testing)$/i;

/** Words of a Dockerfile's name that make it a development one (`Dockerfile.dev-self-contained`, `dev.Dockerfile`). */
const DEVELOPMENT_DOCKERFILE_WORDS = new Set(['dev', 'devel', 'develop', 'development']);

/**
 * The service of the compose file that builds a development Dockerfile (by its name), and which: one
 * such service makes the file a developer's or a demo's stack, whatever its other services are.
 */
function developmentBuild(service: ComposeService): { name: string; dockerfile: string } | undefined {
  const root = service.document.value;
  const services = isMap(root) && isMap(root.services) ? root.services : {};
  for (const [name, value] of Object.entries(services)) {
    const build = isMap(value) ? value.build : undefined;
    const dockerfile = isMap(build) && typeof build.dockerfile === 'string' ? build.dockerfile.trim() : '';
    const base = dockerfile.slice(dockerfile.lastIndexOf('/') + 1).toLowerCase();
    const words = base.split(/[.\-_]+/);
    if (words.includes('dockerfile') && words.some((w) => DEVELOPMENT_DOCKERFILE_WORDS.has(w))) {
      return { name, dockerfile };
    }
  }
  return undefined;
}

/**
 * Why a service is likely no deployment, when it is: its compose file is named as an example or
 * sample (a quick start for users to adapt, which the project does not run) or for a development,
 * test or preview environment, or lies under a development container's folder (`.devcontainer/`,
 * whose devcontainer.json brings it up as a developer's workspace) or in a folder named for such an
 * environment (`.ci/`, `e2e/`, `dev/`, `develop/`) or for examples, demonstrations or contributed extras
 * (`examples/`, `demo/`, `contrib/`), or the README of its folder calls it a demonstration or an
 * example (see {@link composeServices}); it builds a development stage of its Dockerfile (a developer's or a CI
 * job's environment); a service of its file builds a development Dockerfile (`Dockerfile.dev`), which
 * makes the file a developer's or a demo's stack; or only test scripts use its file.
 */
export function notDeployedService(service: ComposeService): string | undefined {
  if (service.deployed) return undefined;
  const byPath = pathNotDeployed(service.path);
  if (byPath) return byPath;
  const build = serviceSetting(service, 'build')?.value;
  const target = isMap(build) && typeof build.target === 'string' ? build.target.trim() : '';
  if (DEVELOPMENT_TARGET.test(target)) {
    return `the service builds the "${target}" stage of its Dockerfile: a development environment, not a deployment`;
  }
  const development = developmentBuild(service);
  if (development) {
    const who = development.name === service.name ? 'the service' : `its service "${development.name}"`;
    return `${who} builds the development Dockerfile ${development.dockerfile}, so the compose file is a developer's or a demo's stack, not a deployment`;
  }
  return service.stack;
}

/**
 * Why a compose file's path says it is no deployment (see {@link notDeployedService}), or undefined.
 * A path that also names a deployed environment (`docker-compose.prod_tests.yml`, `ci/staging/`) is
 * no development, test or CI stack by its words.
 */
export function pathNotDeployed(file: string): string | undefined {
  const name = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  const words = name.split(/[.\-_]+/);
  const word = words.find((w) => EXAMPLE_WORDS.has(w));
  if (word) {
    return `the compose file is named as ${word.startsWith('sample') ? 'a sample' : 'an example'}: a quick start for users to adapt, not a deployment of this repository`;
  }
  const production = namesDeployedEnvironment(file);
  const environment = words.find((w) => ENVIRONMENT_WORDS.has(w));
  if (environment && !production) {
    return `the compose file is named for the "${environment}" environment: a developer's, a CI job's or a preview's, not a deployment`;
  }
  const mark = devEnvironmentMark(file);
  if (mark?.endsWith('/')) {
    return `the compose file lies under ${mark}, a development container's stack for VS Code, Codespaces or Gitpod: a developer's workspace, not a deployment`;
  }
  const folder = production ? undefined : environmentFolder(file);
  if (folder) {
    return `the compose file lies in the folder ${folder}, named for a development, test or CI environment: a developer's, a CI job's or a preview's, not a deployment`;
  }
  const examples = exampleFolder(file, production);
  if (examples) {
    return `the compose file lies in the folder ${examples}, named for examples, demonstrations or contributed extras: a stack for users to adapt, not a deployment of this repository`;
  }
  return undefined;
}

/** Where an inherited setting is written: `service "base" of ops/common.yml, line 4`. */
function inheritedFrom(service: ComposeService, origin: NonNullable<ComposeNode['inherited']>): string {
  const file = origin.service.path === service.path ? '' : ` of ${origin.service.path}`;
  const line = origin.node.span.start.line;
  return `set by ${describeService(origin.service)}${file}, line ${line}`;
}

/**
 * A finding at a compose node, keyed by the service and the check (never a line). A value written in
 * an anchor is reported where the service uses it, and the message says where it is written; a value
 * written with variables says where they are set, or that the repository sets them nowhere. A value a
 * service inherits through `extends` is reported at its `extends:` key, and the message says which
 * service writes it, in which file and on which line. A finding on a service that is likely no deployment (see {@link notDeployedService}) has low
 * confidence, and says why.
 */
export function serviceFinding(
  service: ComposeService,
  node: ComposeNode,
  what: string,
  effect: string,
  keyParts: string[],
): RawFinding {
  const origin = node.inherited;
  const source = origin?.node ?? node;
  const where =
    (origin ? ` (inherited through extends: ${inheritedFrom(service, origin)})` : '') +
    (source.definedAt
      ? ` (set in the anchor &${source.definedAt.anchor} at line ${source.definedAt.line}${origin && origin.service.path !== service.path ? ` of ${origin.service.path}` : ''})`
      : '') +
    interpolationNote(origin?.service ?? service, source);
  const message = `${what}${where}: ${effect}`;
  const location = locationFromSpan(service.path, node.span, false);
  const key = ['compose', service.name, ...keyParts].join('\u0000');
  const why = notDeployedService(service);
  return why
    ? { message: `${message} (${why}.)`, location, key, confidence: 'low' }
    : { message, location, key };
}
