import path from 'node:path/posix';
import { libraryName, officialImageNames } from '../../parsers/docker-hub.js';
import {
  DOCKERFILE_GLOBS,
  type DockerfileModel,
  dockerfilePaths,
  globalArgValues,
  readDockerfile,
  referencedStage,
  type Stage,
} from '../../parsers/dockerfile.js';
import { expandVariables, UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { parseImageRef } from '../../parsers/image-ref.js';
import { packageScripts, scriptLine } from '../../parsers/package-json.js';
import { SCRIPT_FILES, scriptCommands } from '../../parsers/shell-commands.js';
import { defineScreen } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { escapePointerToken } from '../../workspace/yaml.js';
import { forEachLogicalLine } from '../generic/shell-lines.js';

/**
 * What the repository's own build scripts do with container images: the images they build from its
 * Dockerfiles (`docker build -f <Dockerfile> -t <name>`, `docker buildx build`, `podman build`, a
 * workflow's docker/build-push-action with `tags:`), the images they start (`docker run`), create
 * without starting (`docker create`, to `docker cp` files out) and push. Read from the workflows,
 * the Makefiles, the shell scripts, the GitLab CI files and the `scripts` of package.json files (run
 * from the package's directory), command by command, as written: a name or
 * a path made of variables (`-t $(NAMESPACE)/app:$(TAG)`) is not evaluated, except that a tag of
 * variables still names its repository (`-t acme/base:$(VERSION)` builds `acme/base`).
 *
 * Every file read here is the repository's, so a pull request can write them: the rules lower a
 * finding on this evidence, never drop it.
 */

/** The files whose commands build, run and push images; rules that read them name these globs. */
export const IMAGE_BUILD_SOURCES: readonly string[] = [...SCRIPT_FILES, '**/package.json'];

/** The shell scripts of the tree, read for what they source (see {@link relatedScripts}). */
export const SHELL_SCRIPTS: readonly string[] = ['**/*.sh', '**/*.bash'];

/** An image build found in a script, with what it names. */
export interface ImageBuild {
  /** The file and line of the build command (or of the workflow step). */
  source: string;
  line: number;
  /**
   * The Dockerfile it builds, when it is one of the repository's (in a file's commands: the paths it
   * may be, nearest first, as the directory a relative path is taken from is not known for certain),
   * then, when that is a symbolic link to another file of the tree, the file it leads to.
   */
  dockerfiles: string[];
  /** The names it tags, normalised (see {@link imageName}); `acme/app:*` when the tag is a variable. */
  tags: string[];
  /**
   * The stage it builds, when it names one (`--target release`, build-push-action's `target:`): the
   * name as written (it may hold a variable), and the option or input that names it. Absent: the
   * Dockerfile's last stage.
   */
  target?: BuildTarget;
  /** Whether the build pushes what it builds (`--push`, `push: true`, `--output type=registry`). */
  pushes: boolean;
  /**
   * The build arguments and named build contexts it sets (`--build-arg`, `--build-context`,
   * build-push-action's `build-args` and `build-contexts`), by name: the value with the workflow's
   * `env.` values substituted, each variable or other expression as {@link UNRESOLVED}. Absent when
   * it sets none.
   */
  args?: Readonly<Record<string, string>>;
  contexts?: Readonly<Record<string, string>>;
  /**
   * Whether the build keeps nothing it builds: a docker/build-push-action step with `push` and `load`
   * off, no `outputs` and no tags (a compile check: the image stays in the builder's cache, by no name).
   */
  discarded?: boolean;
}

/** The stage a build names: as written, and how (`--target release`, `target: release`). */
export interface BuildTarget {
  stage: string;
  written: string;
}

/** A `docker run` of an image, with what matters to whether the image is a tool run on the checkout. */
export interface ImageRun {
  source: string;
  line: number;
  image: string;
  /** `--rm`: the container is thrown away when its command ends. */
  removed: boolean;
  /** A volume of the working directory (`-v "$(pwd):/src"`, `--volume $PWD:$PWD`). */
  mountsWorkdir: boolean;
  /**
   * Whether the container may outlive the command or serve: it is detached (`-d`), restarts
   * (`--restart`), publishes ports (`-p`, `-P`), shares the host's network, or mounts anything but the
   * working directory (a named volume, a host folder, `--volumes-from`).
   */
  lasting: boolean;
}

/** What one file's commands do with images. */
interface FileImageCommands {
  builds: ImageBuild[];
  runs: ImageRun[];
  /** Images created without being started (`docker create`). */
  creates: string[];
  /** Images pushed (`docker push`). */
  pushes: string[];
}

/** What the repository's build scripts, together, do with images. */
export type RepositoryImages = FileImageCommands;

/** The programs whose `build` subcommand builds an image from a Dockerfile. */
const BUILDERS = new Set(['docker', 'podman', 'nerdctl', 'buildah']);

/** Lines worth lexing: those that name a container engine. */
const ENGINE = /\b(?:docker|podman|nerdctl|buildah)\b/;
/**
 * Only the scripts that name a container engine (or a build-push-action, whose forks need not say
 * docker) are inputs of the rules that ask (screens.ts): a
 * pull request that edits a workflow or a package.json without one on either side does not evaluate
 * them again.
 */
const NAMES_ENGINE = defineScreen(
  'container-engine-commands',
  (_file, text) => ENGINE.test(text) || VARIABLE_ENGINE_LINE.test(text) || text.includes('build-push-action'),
);

/**
 * A container engine run through a variable (`$CONTAINER_RUNTIME build`, `"${DOCKER}" buildx build`,
 * a Makefile's `$(DOCKER) push`): the lines worth lexing for one, besides those naming an engine.
 */
const VARIABLE_ENGINE_LINE =
  /\$(?:\{\w+\}|\(\w+\)|\w+)"?\s+(?:(?:buildx|image|builder|container)\s+)?(?:build|run|create|push)\b/;
/** A program word that is only a variable: `$DOCKER`, `${DOCKER}`, `$(DOCKER)`; its name. */
const VARIABLE_PROGRAM = /^\$(?:\{(\w+)\}|\((\w+)\)|(\w+))$/;

/** Options of `docker build` that take a value as the next word (the rest take none, or `--opt=value`). */
const BUILD_VALUE_OPTIONS = new Set([
  '-t',
  '--tag',
  '-f',
  '--file',
  '--build-arg',
  '--platform',
  '--network',
  '--label',
  '--target',
  '-o',
  '--output',
  '--cache-from',
  '--cache-to',
  '--secret',
  '--ssh',
  '--progress',
  '--iidfile',
  '--metadata-file',
  '--builder',
  '--add-host',
  '--build-context',
  '--shm-size',
  '-m',
  '--memory',
  '--ulimit',
  '--isolation',
  '--cgroup-parent',
  '--attest',
  '--annotation',
  '--allow',
  '--call',
  '--layers',
  '--format',
]);

/** Options of `docker run` and `docker create` that take a value as the next word. */
const RUN_VALUE_OPTIONS = new Set([
  '-v',
  '--volume',
  '--mount',
  '-w',
  '--workdir',
  '-e',
  '--env',
  '--env-file',
  '-u',
  '--user',
  '--name',
  '--network',
  '--net',
  '-p',
  '--publish',
  '--entrypoint',
  '--platform',
  '-l',
  '--label',
  '--add-host',
  '--cap-add',
  '--cap-drop',
  '--device',
  '-h',
  '--hostname',
  '--ulimit',
  '--security-opt',
  '--tmpfs',
  '-m',
  '--memory',
  '--cpus',
  '--pull',
  '--log-driver',
  '--log-opt',
  '--restart',
  '--shm-size',
  '--ipc',
  '--pid',
  '--gpus',
  '--group-add',
  '--dns',
  '--volumes-from',
  '--link',
  '--cidfile',
  '--stop-signal',
  '--stop-timeout',
  '--userns',
  '--uts',
  '--runtime',
  '--sysctl',
]);

/** A volume source that is the working directory: `$(pwd)`, `` `pwd` ``, `$PWD`, `${PWD}`, `.`, `${{ github.workspace }}`. */
const WORKDIR_SOURCE =
  /^(?:\$\(pwd\)|`pwd`|\$\{?PWD\}?|\$\{?GITHUB_WORKSPACE\}?|\$\{\{\s*github\.workspace\s*\}\}|\.)(?:[/:]|$)/;

/**
 * The name an image reference is compared by: Docker Hub's `docker.io/` and `library/` dropped, the
 * tag kept (`latest` when none), the digest dropped; `*` for a tag made of variables. Undefined for a
 * reference whose name holds a variable, and for a Docker official image's name, which a build here
 * may tag too but which names the upstream image wherever it is used.
 */
export function imageName(reference: string): string | undefined {
  const ref = parseImageRef(reference);
  if (!ref || /[$`{}%]/.test(ref.repository) || /[$`{}%]/.test(ref.registry ?? '')) return undefined;
  const library = libraryName(ref);
  if (library !== undefined && officialImageNames().has(library.toLowerCase())) return undefined;
  const repository = library ?? `${ref.registry ? `${ref.registry}/` : ''}${ref.repository}`;
  const tag = ref.tag === undefined ? 'latest' : /[$`{}%]/.test(ref.tag) ? '*' : ref.tag;
  return `${repository.toLowerCase()}:${tag}`;
}

/** Whether a tag a build produces (see {@link imageName}) names the image `name`. */
function tagMatches(tag: string, name: string): boolean {
  if (tag === name) return true;
  return tag.endsWith(':*') && name.slice(0, name.lastIndexOf(':')) === tag.slice(0, -2);
}

/** Everything the repository's build scripts do with images (computed once per tree). */
export function repositoryImages(workspace: Workspace): RepositoryImages {
  const out: RepositoryImages = { builds: [], runs: [], creates: [], pushes: [] };
  for (const file of workspace.screenedGlob(IMAGE_BUILD_SOURCES, NAMES_ENGINE)) {
    const found = workspace.memo('docker-image-commands', file, () => fileImageCommands(workspace, file));
    // The paths a build may name, nearest first: the first the tree has is its Dockerfile.
    for (const build of found.builds) {
      const dockerfile = build.dockerfiles.find((f) => workspace.has(f));
      out.builds.push({ ...build, dockerfiles: dockerfile ? namesOf(workspace, dockerfile) : [] });
    }
    out.runs.push(...found.runs);
    out.creates.push(...found.creates);
    out.pushes.push(...found.pushes);
  }
  return out;
}

/**
 * Google Cloud Build configurations: `cloudbuild.yaml` and its variants (`cloudbuild-release.yaml`),
 * and the YAML files of a `cloudbuild/` folder. Only those that name a container engine are read.
 */
export const CLOUD_BUILD_SOURCES: readonly string[] = [
  '**/cloudbuild*.{yaml,yml}',
  '**/cloudbuild/**/*.{yaml,yml}',
];

/**
 * The build sources read only for their image commands, and so only when they name a container
 * engine (`Evaluator.screenedReads` of the rules that read the builds): the workflows, Makefiles,
 * GitLab CI and Cloud Build files and package.json files. Not the shell scripts: the scripts that
 * source one, or that it sources, read its variables whatever it names.
 */
export const IMAGE_COMMAND_READS = {
  globs: [...IMAGE_BUILD_SOURCES.filter((g) => !SHELL_SCRIPTS.includes(g)), ...CLOUD_BUILD_SOURCES],
  screen: NAMES_ENGINE,
};

/** A Cloud Build step's builder that is the docker CLI (`gcr.io/cloud-builders/docker`, `docker:24`). */
const DOCKER_BUILDER = /(?:^|\/)docker(?:[:@][^/]*)?$/;

/**
 * The image builds of the repository's Cloud Build configurations: each step run with the docker
 * builder (its `args` are the command's words) or running a shell script (`entrypoint: bash`,
 * `args: [-c, ...]`), from the step's `dir` (the checkout's root by default). Computed once per tree.
 */
export function cloudBuilds(workspace: Workspace): ImageBuild[] {
  const builds: ImageBuild[] = [];
  for (const file of workspace.screenedGlob(CLOUD_BUILD_SOURCES, NAMES_ENGINE)) {
    const found = workspace.memo('cloud-build-image-commands', file, () =>
      cloudBuildCommands(workspace, file),
    );
    for (const build of found) {
      const dockerfile = build.dockerfiles.find((f) => workspace.has(f));
      builds.push({ ...build, dockerfiles: dockerfile ? namesOf(workspace, dockerfile) : [] });
    }
  }
  return builds;
}

function cloudBuildCommands(workspace: Workspace, file: string): ImageBuild[] {
  const parsed = workspace.yaml(file);
  const doc = parsed?.ok ? parsed.documents[0] : undefined;
  const steps = record(doc?.value)?.steps;
  if (!doc || !Array.isArray(steps)) return [];
  const found: FileImageCommands = { builds: [], runs: [], creates: [], pushes: [] };
  steps.forEach((value, i) => {
    const step = record(value);
    const args = Array.isArray(step?.args) ? step.args.filter((a): a is string => typeof a === 'string') : [];
    if (!step || args.length === 0) return;
    const dir = typeof step.dir === 'string' && !/[$`{}]/.test(step.dir) ? path.normalize(step.dir) : '';
    const base = dir === '.' || dir.startsWith('..') || path.isAbsolute(dir) ? '' : dir;
    const where: Where = {
      source: file,
      line: doc.span(`/steps/${i}`)?.start.line ?? 1,
      bases: [base],
      dir: base,
    };
    const entrypoint = typeof step.entrypoint === 'string' ? step.entrypoint : undefined;
    const name = typeof step.name === 'string' ? step.name : '';
    if (entrypoint === undefined ? DOCKER_BUILDER.test(name) : entrypoint === 'docker') {
      readCommand(args, where, found);
    } else if (entrypoint !== undefined && /^(?:ba|da)?sh$/.test(path.basename(entrypoint))) {
      const script = args[args.indexOf('-c') + 1];
      if (!args.includes('-c') || script === undefined) return;
      forEachLogicalLine(script, (line) => {
        if (ENGINE.test(line.text)) readLine(line.text, where, found);
      });
    }
  });
  return found.builds;
}

/** The builds of the repository that tag the image a FROM names (after ARG defaults), if any. */
export function buildsTagging(images: RepositoryImages, reference: string): ImageBuild[] {
  const name = imageName(reference);
  return name ? images.builds.filter((b) => b.tags.some((t) => tagMatches(t, name))) : [];
}

/**
 * A Dockerfile a build names, and the file it leads to when it is a symbolic link to another file of
 * the tree (see `Workspace.aliasOf`): that file is what is built, and is judged under its own name.
 */
function namesOf(workspace: Workspace, dockerfile: string): string[] {
  const target = workspace.aliasOf(dockerfile);
  return target === undefined ? [dockerfile] : [dockerfile, target];
}

/**
 * The builds of the repository that may build this Dockerfile, by its path or, given the tree, by
 * the file it is a symbolic link to: a build of `Dockerfile` builds the file the link leads to.
 */
export function buildsOf(images: RepositoryImages, dockerfile: string, workspace?: Workspace): ImageBuild[] {
  const target = workspace?.aliasOf(dockerfile);
  return images.builds.filter(
    (b) => b.dockerfiles.includes(dockerfile) || (target !== undefined && b.dockerfiles.includes(target)),
  );
}

/**
 * The files read for the images Dockerfiles are built FROM: the Dockerfiles, and files named
 * `dockerfile`, the lower-case name BuildKit takes by default too when there is no `Dockerfile`
 * (`docker build -f docker/dockerfile`).
 */
const LOWER_CASE_DOCKERFILES = ['**/dockerfile'];
export const FROM_IMAGE_SOURCES: readonly string[] = [...DOCKERFILE_GLOBS, ...LOWER_CASE_DOCKERFILES];

/**
 * Every Dockerfile of either tree: a rule's `affectedBy` when a changed build script may alter its
 * findings in any Dockerfile (one whose base image a build here now tags), which are all it judges.
 */
export function everyDockerfile(_changed: readonly string[], head: Workspace, base: Workspace): string[] {
  return [...head.tree().glob(FROM_IMAGE_SOURCES), ...base.tree().glob(FROM_IMAGE_SOURCES)];
}

/** An external image a Dockerfile uses, and how. */
export interface FromUse {
  /** The image, with ARG defaults substituted. */
  image: string;
  /**
   * Whether the Dockerfile only copies files out of it: named by `COPY --from=<image>`, or the image
   * of a stage that is not the last, that no stage is built FROM, and whose files a later stage
   * takes with `COPY --from`. The image is then a builder's, which no container of this build runs.
   */
  copiedOnly: boolean;
}

/** The external images the repository's Dockerfiles use (ARG defaults substituted), by file. */
export function fromImages(workspace: Workspace): Map<string, FromUse[]> {
  const out = new Map<string, FromUse[]>();
  const files = new Set([...dockerfilePaths(workspace), ...workspace.glob(LOWER_CASE_DOCKERFILES)]);
  for (const file of files) {
    const model = readDockerfile(workspace, file);
    if (model) out.set(file, externalImages(model));
  }
  return out;
}

/** The external images a Dockerfile's stages are built FROM or copy files from, with ARG defaults substituted. */
export function externalImages(model: DockerfileModel): FromUse[] {
  const vars = globalArgValues(model);
  const out: FromUse[] = [];
  const last = model.stages.at(-1);
  /** Whether a later stage takes files from the stage (by name or index) with COPY --from. */
  const copiedFrom = (stage: Stage) =>
    model.stages.some(
      (s) =>
        s.index > stage.index &&
        s.copiesFrom.some(
          (f) => f === String(stage.index) || f.toLowerCase() === stage.from.name?.toLowerCase(),
        ),
    );
  /** Whether a later stage is built FROM the stage. */
  const builtOn = (stage: Stage) =>
    model.stages.some((s) => {
      if (s.index <= stage.index || !s.from.image) return false;
      const { text } = expandVariables(s.from.image, vars, model.escapeChar);
      return referencedStage(model, s, text) === stage;
    });
  for (const stage of model.stages) {
    if (stage.from.image) {
      const { text } = expandVariables(stage.from.image, vars, model.escapeChar);
      if (
        !text.includes(UNRESOLVED) &&
        text.toLowerCase() !== 'scratch' &&
        !referencedStage(model, stage, text)
      ) {
        const copiedOnly = stage !== last && !builtOn(stage) && copiedFrom(stage);
        out.push({ image: text, copiedOnly });
      }
    }
    // `COPY --from=acme/builder:1 /out /bin`: an image, when it names no stage.
    for (const from of stage.copiesFrom) {
      if (/^\d+$/.test(from) || from.includes('$')) continue;
      if (model.stages.some((s) => s.from.name?.toLowerCase() === from.toLowerCase())) continue;
      out.push({ image: from, copiedOnly: true });
    }
  }
  return out;
}

/** Whether the run or create names one of the tags (`app` is `app:latest`). */
export function namesTag(reference: string, tags: readonly string[]): boolean {
  const name = imageName(reference);
  return name !== undefined && tags.some((t) => tagMatches(t, name));
}

function fileImageCommands(workspace: Workspace, file: string): FileImageCommands {
  const found: FileImageCommands = { builds: [], runs: [], creates: [], pushes: [] };
  const text = workspace.text(file);
  if (text === undefined || !NAMES_ENGINE.test(file, text)) return found;
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  if (path.basename(file) === 'package.json') {
    // npm, yarn, pnpm and bun run a package's scripts from its own directory.
    for (const [name, script] of Object.entries(packageScripts(workspace, file))) {
      if (!ENGINE.test(script)) continue;
      readLine(script, { source: file, line: scriptLine(text, name), bases: [dir], dir }, found);
    }
    return found;
  }
  // A Makefile's recipes and a script run from their own directory, as often as not; a workflow's
  // steps from the checkout's root.
  const bases = file.startsWith('.github/workflows/') ? [''] : [dir, ''];
  // A shell script's variables may be assigned in the scripts it sources, or that the script which
  // sources it sources too (an install script's `source detect-engine.sh` before `source build.sh`).
  const script = /\.(?:sh|bash)$/.test(file);
  let related: string[] | undefined;
  const texts = () => {
    related ??= script ? relatedScripts(workspace, file, text) : [];
    return related;
  };
  const engineOf = variableEngines(text, texts);
  // Variables that hold an engine command for later (`jq="$ENGINE run --rm -i acme-jq"`, then `$jq .`).
  const stored = storedCommands(text, script ? texts : () => []);
  forEachLogicalLine(text, (line) => {
    if (!ENGINE.test(line.text) && !VARIABLE_ENGINE_LINE.test(line.text) && !stored?.test(line.text)) return;
    readLine(line.text, { source: file, line: line.lineNo, bases, dir, engineOf }, found);
  });
  if (file.startsWith('.github/workflows/') && text.includes('build-push-action')) {
    readBuildPushSteps(workspace, file, found);
  }
  return found;
}

/** The image commands of one line of commands (`cd images/app && docker build .`). */
function readLine(text: string, where: Where, found: FileImageCommands): void {
  // A `cd` earlier on the line moves where paths start.
  let within = where.bases;
  for (const view of scriptCommands(text, 0, text.length, true)) {
    const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
    if (view.name === 'cd' && words.length === 1 && !/[$`{}%~]/.test(words[0]!)) {
      within = within.map((b) => path.join(b, words[0]!));
      continue;
    }
    if (BUILDERS.has(view.name)) readCommand(words, { ...where, bases: within }, found);
    else if (where.engineOf) {
      const command = runsEngine(view.name, words, where.engineOf);
      if (command) readCommand(command, { ...where, bases: within }, found);
    }
  }
}

/** What a file assigns a variable: a container engine, another program, or nothing known. */
type VariableProgram = 'engine' | 'other' | 'unknown';

/**
 * What a variable run as a program holds: its kind, and for an engine given with words of its own
 * (`dbuild="$ENGINE build"`, `jq="docker run --rm -i acme-jq"`), those words, the literal ones only
 * (`$proxy_args` may expand to anything, or to nothing).
 */
interface VariableValue {
  kind: VariableProgram;
  command?: string[];
}

/** A word that holds no variable, substitution or quoting: read as written. */
const LITERAL_WORD = /^[^$`"'\\]+$/;

/**
 * What the file assigns each variable it may run as a program (`CONTAINER_RUNTIME=podman`,
 * `export DOCKER="$(command -v docker)"`, a Makefile's `DOCKER ?= docker`): a value that names a
 * container engine makes it one; so does a value that starts with a variable holding one
 * (`dbuild="$ENGINE build"`), whose other words the command starts with; a literal program that
 * names none (`GO=go`, `CARGO ?= cargo`), another tool; a value of variables only
 * (`DOCKER=${DOCKER_BIN}`), or no assignment, says nothing. A variable the file does not assign is
 * looked for in `related` (the scripts it sources, see {@link relatedScripts}).
 */
function variableEngines(
  text: string,
  related: () => readonly string[] = () => [],
): (name: string) => VariableValue {
  const known = new Map<string, VariableValue>();
  const resolve = (name: string): VariableValue => {
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    // A variable assigned from itself (`DOCKER=${DOCKER:-docker}`) says nothing more the second time.
    known.set(name, { kind: 'unknown' });
    let value = assignedIn(text, name);
    for (const other of value.kind === 'unknown' ? related() : []) {
      value = assignedIn(other, name);
      if (value.kind !== 'unknown') break;
    }
    known.set(name, value);
    return value;
  };
  const assignedIn = (source: string, name: string): VariableValue => {
    let kind: VariableProgram = 'unknown';
    const assignment = new RegExp(
      `(?:^|[\\s;&|(])(?:(?:export|readonly|local|declare(?:\\s+-\\w+)?|override)\\s+)?${name}\\s*(?:[:?+!]{0,2}=)[ \\t]*([^\\n;#]*)`,
      'gm',
    );
    for (const match of source.matchAll(assignment)) {
      const value = match[1]!.trim().replace(/^["']|["']$/g, '');
      const words = value.split(/\s+/);
      const first = words[0] ?? '';
      const literal = words.slice(1).filter((w) => LITERAL_WORD.test(w));
      if (BUILDERS.has(first.slice(first.lastIndexOf('/') + 1))) return { kind: 'engine', command: literal };
      if (ENGINE.test(value)) return { kind: 'engine' };
      const program = VARIABLE_PROGRAM.exec(first);
      const inner = program?.[1] ?? program?.[2] ?? program?.[3];
      if (inner !== undefined && inner !== name && resolve(inner).kind === 'engine') {
        return { kind: 'engine', command: [...(resolve(inner).command ?? []), ...literal] };
      }
      // A literal program, not a value made only of variables or empty.
      if (/^[\w./-]+(?:\s|$)/.test(value) && !/^[\d.]+$/.test(value)) kind = 'other';
    }
    return { kind };
  };
  return resolve;
}

/**
 * A test for the lines that run a variable holding an engine command
 * (`jq="$ENGINE run --rm -i acme-jq"`, then `echo "$json" | $jq .`); undefined when the file, and the
 * scripts it sources, assign none.
 */
function storedCommands(text: string, related: () => readonly string[]): RegExp | undefined {
  const names = new Set<string>();
  // The sourced scripts are read only for a program the script runs from a variable it does not assign.
  const programs = [...text.matchAll(PROGRAM_VARIABLE)].map((m) => m[1]!);
  const unassigned = programs.some((n) => !new RegExp(`(?:^|[\\s;&|(])${n}=`, 'm').test(text));
  for (const source of [text, ...(unassigned ? related() : [])]) {
    for (const m of source.matchAll(new RegExp(STORED_COMMAND.source, 'gm'))) names.add(m[1]!);
  }
  if (names.size === 0) return undefined;
  return new RegExp(`\\$\\{?(?:${[...names].join('|')})(?![\\w])`);
}

/** A variable run as a program (`$dbuild -t app .`, `| $jq .`, `then "$DOCKER" push`): its name. */
const PROGRAM_VARIABLE = /(?:^|[|;&(]|\b(?:then|do|else))[ \t]*"?\$\{?(\w+)\}?"?(?=[ \t]|$)/gm;

/** An assignment of an engine command (`dbuild="$ENGINE build"`, `run='docker run --rm'`): its name. */
const STORED_COMMAND =
  /(?:^|[\s;&|(])(\w+)=["']?(?:[\w./-]*(?:docker|podman|nerdctl|buildah)|\$\{?\w+\}?)[ \t]+(?:(?:buildx|image|container|builder)[ \t]+)?(?:build|run|create|push)\b/m;

/** `source file` or `. file` at the start of a line: the path as written. */
const SOURCE_LINE = /^[ \t]*(?:source|\.)[ \t]+("[^"\n]+"|'[^'\n]+'|[^\s;&|]+)/gm;

/**
 * The repository scripts a shell script sources (`source install/_lib.sh`, `. "$(dirname "$0")/env.sh"`,
 * from the script's folder or the repository's root; a path of variables by its file name, beside the
 * script), one level down.
 */
function sourcedScripts(workspace: Workspace, file: string, text: string): string[] {
  const dir = path.dirname(file);
  const out: string[] = [];
  for (const m of text.matchAll(SOURCE_LINE)) {
    const written = m[1]!.replace(/^["']|["']$/g, '');
    const literal = !/[$`{}]/.test(written);
    const name = written.slice(written.lastIndexOf('/') + 1);
    const candidates = literal
      ? [path.join(dir, written), path.normalize(written)]
      : name !== '' && !/[$`{}]/.test(name)
        ? [path.join(dir, name)]
        : [];
    const found = candidates.find((c) => !c.startsWith('..') && c !== file && workspace.has(c));
    if (found && !out.includes(found)) out.push(found);
  }
  return out;
}

/**
 * The texts of the scripts whose variables a shell script may run with: those it sources, and, for
 * each script that sources it, that script and the others it sources (one level each way: an install
 * script that sources the script which detects the engine, then the one that builds). Read only for a
 * variable the script does not assign.
 */
function relatedScripts(workspace: Workspace, file: string, text: string): string[] {
  const parents = workspace.memo('shell-sourced-by', '', () => {
    const map = new Map<string, string[]>();
    for (const script of workspace.glob(SHELL_SCRIPTS)) {
      const body = workspace.text(script);
      if (body === undefined || !/(?:^|\n)[ \t]*(?:source|\.)[ \t]/.test(body)) continue;
      for (const target of sourcedScripts(workspace, script, body)) {
        const list = map.get(target);
        if (list) list.push(script);
        else map.set(target, [script]);
      }
    }
    return map;
  });
  const files = new Set(sourcedScripts(workspace, file, text));
  for (const parent of parents.get(file) ?? []) {
    files.add(parent);
    const body = workspace.text(parent);
    if (body !== undefined) for (const sibling of sourcedScripts(workspace, parent, body)) files.add(sibling);
  }
  files.delete(file);
  return [...files].flatMap((f) => workspace.text(f) ?? []);
}

/**
 * The words of the engine command a command whose program is a variable runs
 * (`$CONTAINER_RUNTIME build -t acme/base .`, `$dbuild -t acme/jq jq` where `dbuild="$ENGINE build"`),
 * or undefined: the variable is assigned an engine (its own words first); or it is not known to be
 * another tool and the command builds and tags an image (`build`, `buildx build` with `-t <image>` or
 * `--tag`), which other tools' `build` (`$GO build -tags netgo`, `$CARGO build`) do not. Runs, creates
 * and pushes count only when the variable is assigned an engine (`$NPM run build` is not one).
 */
function runsEngine(
  program: string,
  words: readonly string[],
  engineOf: (name: string) => VariableValue,
): string[] | undefined {
  const match = VARIABLE_PROGRAM.exec(program);
  const name = match?.[1] ?? match?.[2] ?? match?.[3];
  if (name === undefined) return undefined;
  const value = engineOf(name);
  if (value.kind === 'engine') return [...(value.command ?? []), ...words];
  if (value.kind === 'other') return undefined;
  const k = ['buildx', 'image', 'builder', 'container'].includes(words[0] ?? '') ? 1 : 0;
  if (words[k] !== 'build') return undefined;
  const tags = words.some((w, i) => {
    const value =
      w === '-t' || w === '--tag' ? words[i + 1] : w.startsWith('--tag=') ? w.slice(6) : undefined;
    return value !== undefined && imageName(value) !== undefined;
  });
  return tags ? [...words] : undefined;
}

interface Where {
  source: string;
  line: number;
  /** Directories a relative path may be relative to, nearest first. */
  bases: string[];
  /** The file's own directory. */
  dir: string;
  /** What the file assigns the variables it may run as programs, when it is a script read line by line. */
  engineOf?: (name: string) => VariableValue;
}

function readCommand(words: string[], where: Where, found: FileImageCommands): void {
  // `docker buildx build`, `docker image build`, `docker builder build`, `buildah bud`.
  let k = 0;
  if (['buildx', 'image', 'builder', 'container'].includes(words[0] ?? '')) k = 1;
  const verb = words[k];
  const rest = words.slice(k + 1);
  if (verb === 'build' || verb === 'bud') {
    found.builds.push(readBuild(rest, where));
  } else if (verb === 'run' || verb === 'create') {
    const run = readRun(rest, where);
    if (!run) return;
    if (verb === 'run') found.runs.push(run);
    else found.creates.push(run.image);
  } else if (verb === 'push') {
    const image = rest.find((w) => !w.startsWith('-'));
    if (image) found.pushes.push(image);
  }
}

function readBuild(words: readonly string[], where: Where): ImageBuild {
  const tags: string[] = [];
  let file: string | undefined;
  let context: string | undefined;
  let pushes = false;
  let target: BuildTarget | undefined;
  let args: Record<string, string> | undefined;
  let contexts: Record<string, string> | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const [option, inline] = splitOption(w);
    if (option === '--push') pushes = true;
    if (option === '--build-arg' || option === '--build-context') {
      const value = inline ?? words[++i];
      const eq = value?.indexOf('=') ?? -1;
      const name = value === undefined ? '' : eq === -1 ? value : value.slice(0, eq);
      if (value === undefined || !/^[\w.-]+$/.test(name)) continue;
      // `--build-arg NAME` passes the builder's environment variable: a value not known here.
      const text = eq === -1 ? UNRESOLVED : value.slice(eq + 1).replace(SHELL_VALUE, UNRESOLVED);
      if (option === '--build-arg') args = { ...args, [name]: text };
      else contexts = { ...contexts, [name]: text };
      continue;
    }
    if (option === '--target') {
      const value = inline ?? words[++i];
      if (value !== undefined) target = { stage: value, written: `--target ${value}` };
      continue;
    }
    if (option === '--output' && /type=registry|push=true/.test(inline ?? words[i + 1] ?? '')) pushes = true;
    if (option === '-t' || option === '--tag') {
      const value = inline ?? words[++i];
      const name = value === undefined ? undefined : imageName(value);
      if (name) tags.push(name);
      continue;
    }
    if (option === '-f' || option === '--file') {
      file = inline ?? words[++i];
      continue;
    }
    if (option.startsWith('-')) {
      if (inline === undefined && BUILD_VALUE_OPTIONS.has(option)) i++;
      continue;
    }
    context ??= w;
  }
  return {
    source: where.source,
    line: where.line,
    dockerfiles: dockerfilesOf(file, context, where),
    tags,
    pushes,
    ...(target ? { target } : {}),
    ...(args ? { args } : {}),
    ...(contexts ? { contexts } : {}),
  };
}

/** A shell or make variable, or a command substitution, in a word: its value is not known here. */
const SHELL_VALUE = /\$(?:\{[^}]*\}|\([^)]*\)|\w+)|`[^`]*`/g;

/** An option and the value written into it: `--tag=app` and `-tapp` are `--tag` and `-t` with `app`. */
function splitOption(word: string): [string, string | undefined] {
  if (word.startsWith('--')) {
    const eq = word.indexOf('=');
    return eq === -1 ? [word, undefined] : [word.slice(0, eq), word.slice(eq + 1)];
  }
  return /^-[tfv]./.test(word) ? [word.slice(0, 2), word.slice(2)] : [word, undefined];
}

/** The repository's Dockerfiles a build's `-f` and context may name, as far as they can be known. */
function dockerfilesOf(file: string | undefined, context: string | undefined, where: Where): string[] {
  const literal = (p: string) => !/[$`{}%]/.test(p) && p !== '-';
  const candidates: string[] = [];
  if (file !== undefined && literal(file)) {
    for (const base of where.bases) candidates.push(path.join(base, file));
  } else if (file !== undefined) {
    // `-f $TEMP/Dockerfile.binary`: a Dockerfile copied into a temporary context, which scripts take
    // from beside themselves.
    const name = file.slice(file.lastIndexOf('/') + 1);
    if (literal(name) && name !== '') candidates.push(path.join(where.dir, name));
  } else if (context !== undefined && literal(context) && !/^[a-z]+:\/\//i.test(context)) {
    for (const base of where.bases) candidates.push(path.join(base, context, 'Dockerfile'));
  }
  return [...new Set(candidates.map((c) => c.replace(/^\.\//, '')))].filter(
    (c) => !c.startsWith('..') && !path.isAbsolute(c),
  );
}

function readRun(words: readonly string[], where: Where): ImageRun | undefined {
  let removed = false;
  let mountsWorkdir = false;
  let lasting = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const [option, inline] = splitOption(w);
    if (option === '--rm') removed = true;
    if (option === '-v' || option === '--volume' || option === '--mount') {
      const value = inline ?? words[i + 1] ?? '';
      const source = option === '--mount' ? (/(?:^|,)(?:source|src)=([^,]+)/.exec(value)?.[1] ?? '') : value;
      if (WORKDIR_SOURCE.test(source)) mountsWorkdir = true;
      else lasting = true;
    }
    if (LASTING_OPTIONS.has(option) || /^-[a-zA-Z]*[dP][a-zA-Z]*$/.test(option)) lasting = true;
    if ((option === '--network' || option === '--net') && (inline ?? words[i + 1]) === 'host') lasting = true;
    if (option.startsWith('-')) {
      if (inline === undefined && RUN_VALUE_OPTIONS.has(option)) i++;
      continue;
    }
    return { source: where.source, line: where.line, image: w, removed, mountsWorkdir, lasting };
  }
  return undefined;
}

/** Options of `docker run` that keep a container running, serving or holding state past its command. */
const LASTING_OPTIONS = new Set([
  '--detach',
  '--restart',
  '-p',
  '--publish',
  '--publish-all',
  '--volumes-from',
]);

/**
 * docker/build-push-action and its drop-in forks, which take the same inputs
 * (`useblacksmith/build-push-action`, `depot/build-push-action`).
 */
const BUILD_PUSH_ACTION = /^[\w.-]+\/build-push-action@/;

/**
 * A workflow's build-push-action steps: their `tags`, `file`, `context`, `target`, `build-args` and
 * `build-contexts`. A `${{ env.NAME }}` in them is the literal value the step, its job or the
 * workflow sets in `env:`; a tag with another expression is not known and not kept.
 */
function readBuildPushSteps(workspace: Workspace, file: string, found: FileImageCommands): void {
  const parsed = workspace.yaml(file);
  if (!parsed?.ok) return;
  const workflow = record(parsed.documents[0]?.value);
  const jobs = record(workflow?.jobs);
  for (const [jobName, job] of Object.entries(jobs ?? {})) {
    const steps = record(job)?.steps;
    if (!Array.isArray(steps)) continue;
    steps.forEach((step, i) => {
      const uses = record(step)?.uses;
      if (typeof uses !== 'string' || !BUILD_PUSH_ACTION.test(uses)) return;
      const inputs = record(record(step)?.with) ?? {};
      const env = literalEnv(record(workflow?.env), record(record(job)?.env), record(record(step)?.env));
      const tags = String(inputs.tags ?? '')
        .split(/[\n,]/)
        .map((t) => substituteEnv(t.trim(), env))
        .filter((t) => t !== '' && !t.includes('${{'))
        .flatMap((t) => imageName(t) ?? []);
      const args = assignments(inputs['build-args'], env);
      const contexts = assignments(inputs['build-contexts'], env);
      const context = typeof inputs.context === 'string' ? inputs.context : '.';
      const dockerfile = typeof inputs.file === 'string' ? inputs.file : undefined;
      const stage =
        typeof inputs.target === 'string' || typeof inputs.target === 'number'
          ? String(inputs.target).trim()
          : '';
      const where: Where = {
        source: file,
        line: parsed.documents[0]?.span(`/jobs/${escapePointerToken(jobName)}/steps/${i}`)?.start.line ?? 1,
        bases: [''],
        dir: '',
      };
      found.builds.push({
        source: file,
        line: where.line,
        dockerfiles: dockerfilesOf(dockerfile, context, where),
        tags,
        pushes: inputs.push === true || inputs.push === 'true',
        ...(stage !== '' ? { target: { stage, written: `target: ${stage}` } } : {}),
        ...(args ? { args } : {}),
        ...(contexts ? { contexts } : {}),
        ...(off(inputs.push) && off(inputs.load) && inputs.outputs === undefined && inputs.tags === undefined
          ? { discarded: true }
          : {}),
      });
    });
  }
}

/**
 * The `env:` values of a workflow, a job and a step, the nearer overriding: those written as literal
 * text (a value with an expression is not known).
 */
function literalEnv(...levels: (Record<string, unknown> | undefined)[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const level of levels) {
    for (const [name, value] of Object.entries(level ?? {})) {
      if ((typeof value === 'string' && !value.includes('${{')) || typeof value === 'number') {
        out.set(name, String(value));
      } else out.delete(name);
    }
  }
  return out;
}

/** Text with each `${{ env.NAME }}` that `env` knows replaced by its value. */
function substituteEnv(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{\{\s*env\.([\w-]+)\s*\}\}/g, (whole, name: string) => env.get(name) ?? whole);
}

/**
 * The `NAME=value` lines of a build-push-action list input (`build-args`, `build-contexts`), by
 * name, with `env.` values substituted and any other expression as {@link UNRESOLVED}; undefined
 * when it sets none, or is itself an expression.
 */
function assignments(value: unknown, env: ReadonlyMap<string, string>): Record<string, string> | undefined {
  if (typeof value !== 'string') return undefined;
  const out: Record<string, string> = {};
  for (const line of value.split('\n')) {
    const eq = line.indexOf('=');
    const name = line.slice(0, eq).trim();
    if (eq <= 0 || !/^[\w.-]+$/.test(name)) continue;
    out[name] = substituteEnv(line.slice(eq + 1).trim(), env).replace(/\$\{\{[^}]*\}\}/g, UNRESOLVED);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** An input written as false (`false`, `'false'`); an expression or anything else is not. */
function off(value: unknown): boolean {
  return value === false || value === 'false';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Whether a build of the repository pushes the image of a Dockerfile, or tags a name that is pushed. */
export function publishes(images: RepositoryImages, file: string, workspace?: Workspace): boolean {
  const builds = buildsOf(images, file, workspace);
  if (builds.some((b) => b.pushes)) return true;
  const tags = builds.flatMap((b) => b.tags);
  return tags.length > 0 && images.pushes.some((p) => namesTag(p, tags));
}
