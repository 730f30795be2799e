import path from 'node:path';
import { locationFromSpan } from '../location.js';
import type { RawFinding } from '../types.js';
import { defineSelector } from '../workspace/screens.js';
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
import { SCRIPT_FILES } from './shell-commands.js';
import { workflowSources } from './workflow.js';
import { jobDeploys, workflowDeploys } from './workflow-deploys.js';
import type { Job } from './workflow-model.js';

/**
 * A model of Docker Compose files: the services of every compose file, each setting located in its
 * source. Compose files are found by name (`compose.yaml`, `docker-compose.yml`, and their
 * `compose.<name>.yaml` overrides), anywhere. Compose expands YAML merge keys (`<<: *defaults`), which
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
export const COMPOSE_FILES = defineSelector('compose-files', (f) => {
  if (f.includes('node_modules/')) return false;
  return COMPOSE_NAME.test(f.slice(f.lastIndexOf('/') + 1));
});

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
}

/** One service of a compose file. */
export interface ComposeService {
  path: string;
  document: YamlDocument;
  name: string;
  node: ComposeNode<Record<string, unknown>>;
  /** The project's `.env` (the compose file's folder) its values are interpolated with, if any. */
  envFile?: { path: string; values: ReadonlyMap<string, string> };
  /** Why the whole compose file is likely no deployment, from what other files say of it. */
  stack?: string;
  /**
   * Why the compose file is deployed, whatever its name says: a compose file that is no test or
   * development stack includes or extends it, or a workflow job that deploys starts it.
   */
  deployed?: string;
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
function projectEnvFile(
  workspace: Workspace,
  file: string,
): { path: string; values: ReadonlyMap<string, string> } | undefined {
  const dir = path.posix.dirname(file);
  const envPath = dir === '.' ? '.env' : `${dir}/.env`;
  if (!workspace.has(envPath)) return undefined;
  const text = workspace.text(envPath);
  return text === undefined ? undefined : { path: envPath, values: parseDotenv(text) };
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

/** What a finding says of the variables its value is written with (see {@link interpolationsAt}). */
function interpolationNote(service: ComposeService, node: ComposeNode): string {
  const [first] = interpolationsAt(service, node.pointer);
  if (!first) return '';
  const names = (from: string) => [...new Set(first.uses.filter((u) => u.from === from).map((u) => u.name))];
  const parts: string[] = [];
  const fromFile = names('env-file');
  if (fromFile.length > 0 && service.envFile) {
    parts.push(
      `${service.envFile.path}, which Compose reads, sets ${fromFile.map((n) => `${n}=${JSON.stringify(service.envFile!.values.get(n))}`).join(', ')}`,
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
    const files = workspace.filesWhere(COMPOSE_FILES);
    const tests = testStacks(workspace, files);
    return files.flatMap((f) => {
      const demo = tests.has(f) ? undefined : demoReadme(workspace, f);
      const stack =
        tests.get(f) ??
        (demo &&
          `the README beside the compose file, ${demo.readme}, calls it "${demo.words}": a demonstration or an example for users to adapt, not a deployment`);
      const services = readComposeServices(workspace, f);
      const deployed = services.length > 0 ? deployedStack(workspace, f) : undefined;
      return services.map((s) => ({ ...s, ...(stack ? { stack } : {}), ...(deployed ? { deployed } : {}) }));
    });
  });
  workspace.examineOnly(new Set(services.map((s) => s.path)));
  return services;
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
 * outside the tree, absolute, or with a variable are left out.
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
 * has it, as Compose resolves merge keys.
 */
export function serviceSetting(service: ComposeService, key: string): ComposeNode | undefined {
  return lookup(service.document, service.node.pointer, service.node.value, key, 0);
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

/**
 * A finding at a compose node, keyed by the service and the check (never a line). A value written in
 * an anchor is reported where the service uses it, and the message says where it is written; a value
 * written with variables says where they are set, or that the repository sets them nowhere. A
 * finding on a service that is likely no deployment (see {@link notDeployedService}) has low
 * confidence, and says why.
 */
export function serviceFinding(
  service: ComposeService,
  node: ComposeNode,
  what: string,
  effect: string,
  keyParts: string[],
): RawFinding {
  const where =
    (node.definedAt ? ` (set in the anchor &${node.definedAt.anchor} at line ${node.definedAt.line})` : '') +
    interpolationNote(service, node);
  const message = `${what}${where}: ${effect}`;
  const location = locationFromSpan(service.path, node.span, false);
  const key = ['compose', service.name, ...keyParts].join('\u0000');
  const why = notDeployedService(service);
  return why
    ? { message: `${message} (${why}.)`, location, key, confidence: 'low' }
    : { message, location, key };
}
