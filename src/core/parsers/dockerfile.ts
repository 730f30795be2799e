import { posix } from 'node:path';
import type { Add, Copy, Env, From, Instruction, JSONInstruction, Onbuild } from 'dockerfile-ast';
import type { LeftOutKind } from '../types.js';
import { vendored } from '../vendored.js';
import { LineIndex } from '../workspace/lines.js';
import type { Workspace } from '../workspace/workspace.js';
import type { NodeSpan } from '../workspace/yaml.js';
import {
  type AddInstruction,
  type EnvDecl,
  originsOf,
  readAdd,
  readEnv,
  readExpose,
  runPosition,
  type ScopedWord,
  StageScope,
  type ValueOrigin,
} from './dockerfile-scope.js';
import { expandVariables, joinContinuations, splitWords, UNRESOLVED } from './dockerfile-words.js';
import { type ShellCommand, type ShellFrameAt, type ShellWord, shellStructure } from './shell.js';
import { type CommandView, programName, SHELLS, scriptCommands, viewOf } from './shell-commands.js';

export type { AddInstruction, EnvDecl, ScopedWord, ValueOrigin } from './dockerfile-scope.js';

/**
 * A model of Dockerfiles built on `dockerfile-ast`, which implements Docker's own lexing: line
 * continuations (with comment lines inside them), the `escape` parser directive, heredocs (`RUN
 * <<EOF`, whose body is not parsed as instructions) and exact ranges. On top of it this module keeps
 * only what audits need: stages, ARG defaults, ENV, USER, RUN, ADD and EXPOSE instructions, all with
 * 1-based spans, and values resolved in Docker's variable scope (dockerfile-scope.ts).
 */

/** Dockerfile and Containerfile naming conventions (`Dockerfile.dev`, `api.Dockerfile`, ...). */
export const DOCKERFILE_GLOBS = [
  '**/Dockerfile',
  '**/Dockerfile.*',
  // `docker build -f Dockerfile-alpine`, `Dockerfile_desktop`: a variant named after a separator.
  '**/Dockerfile-*',
  '**/Dockerfile_*',
  '**/*.Dockerfile',
  '**/*.dockerfile',
  // `docker build -f docker/dockerfile`: the name in lower case, as some projects write it.
  '**/dockerfile',
  '**/Containerfile',
  '**/Containerfile.*',
];
/** `Dockerfile.dockerignore` is the per-Dockerfile ignore file, not a Dockerfile. */
const NOT_DOCKERFILES = ['**/*.dockerignore'];

/**
 * A Dockerfile template (`Dockerfile-debian.template`, `Dockerfile.j2`): a script renders it into
 * the Dockerfiles that are built, its image names are placeholders (`php:%%PHP_VERSION%%`) until then.
 */
const DOCKERFILE_TEMPLATES = ['**/*.{template,tmpl,tpl,j2,jinja,jinja2,erb,mustache,hbs}'];

/** How a Dockerfile rule says, in its scope, that it left a template out. */
export const DOCKERFILE_TEMPLATE: LeftOutKind = {
  kind: 'Dockerfile template',
  reason:
    'rendered into the Dockerfiles that are built, its values placeholders until then: the rendered Dockerfiles are what is judged',
};

/** One `ARG name[=default]` declaration; `value` is null when no default is given. */
export interface ArgDecl {
  name: string;
  value: string | null;
  span: NodeSpan;
}

/** An instruction that audits report on: its (first) argument or joined text, and its span. */
export interface InstructionText {
  /**
   * USER: the first word, unquoted (`app:app`, `${UID}`). RUN: the command with continuations joined
   * and comment lines removed (a heredoc is kept as written).
   */
  value: string;
  /**
   * USER only: `value` with the ARG and ENV values in force at the instruction substituted
   * (UNRESOLVED where a variable has no known value).
   */
  resolved?: string;
  span: NodeSpan;
  /** Span of the arguments (after flags); undefined when the instruction has none. */
  argsSpan?: NodeSpan;
  /** RUN only: the ARG and ENV values in force at it (null for an ARG with no value). */
  vars?: ReadonlyMap<string, string | null>;
  /** RUN only: the arguments as written and their offset in the file, for {@link positionInRun}. */
  raw?: string;
  rawOffset?: number;
  /**
   * RUN only: how the command is run. `shell`: by a POSIX shell (the default `/bin/sh -c`, or a SHELL
   * such as bash); `exec`: the JSON form, no shell; `other`: by a SHELL that is not POSIX (PowerShell,
   * cmd), whose commands are not read.
   */
  form?: 'shell' | 'exec' | 'other';
}

export interface FromInstruction {
  span: NodeSpan;
  /** The image as written, without quotes around it (may hold `${VAR}`); null for a bare `FROM`. */
  image: string | null;
  imageSpan?: NodeSpan;
  /** `--platform=...` value, as written. */
  platform?: string;
  /** The `AS name` alias, as written (Docker compares stage names case-insensitively). */
  name?: string;
  nameSpan?: NodeSpan;
}

export interface Stage {
  /** 0-based stage index. */
  index: number;
  from: FromInstruction;
  /** ARGs declared inside the stage (they do not apply to any FROM). */
  args: ArgDecl[];
  users: InstructionText[];
  runs: InstructionText[];
  envs: EnvDecl[];
  /**
   * The ENV of `ONBUILD ENV ...` triggers, as written: the image's configuration keeps the trigger,
   * and every image built from it sets the variable. They do not set it in this stage.
   */
  onbuildEnvs: EnvDecl[];
  adds: AddInstruction[];
  /** EXPOSE ports, resolved with the ARG and ENV values in force at each EXPOSE. */
  exposes: ScopedWord[];
  /** Whether the stage has a CMD or an ENTRYPOINT of its own. */
  command: boolean;
  /** Whether the stage has an ENTRYPOINT of its own (a CMD alone is the base entrypoint's arguments). */
  entrypoint: boolean;
  /**
   * The words of the stage's last CMD (the exec form's strings, or the shell form split as a shell
   * would), when it has one.
   */
  cmd?: string[];
  /** How many instructions follow its FROM. */
  instructions: number;
  /** How many of them put files into the image (COPY, ADD). */
  copies: number;
  /** The `--from` of its COPY instructions, as written: a stage's name or index, or an image. */
  copiesFrom: string[];
  /** Where each of {@link copiesFrom} is written (the flag's value), in the same order. */
  copiesFromSpans: NodeSpan[];
  /**
   * The `from` of its RUN instructions' `--mount` flags (`--mount=type=bind,from=acme/tools:1,...`), as
   * written: a stage's name or index, or an image whose files the command sees.
   */
  mountsFrom: string[];
  /** Where each of {@link mountsFrom} is written (the option's value), in the same order. */
  mountsFromSpans: NodeSpan[];
  /** The paths its VOLUME instructions declare, as written (the exec form's strings, or the words). */
  volumes: string[];
  /**
   * The files its COPY and ADD instructions take from the build context (not `--from` a stage or an
   * image, not a URL), by where they land: path in the image (resolved against the WORKDIR in force)
   * → source path as written. A copy whose words hold a variable, a wildcard or a quote, or that runs
   * under a WORKDIR a variable hides, is left out: where it lands is not known.
   */
  placed: Map<string, string>;
  /** The WORKDIR at the end of the stage (`/` when none is set); undefined when a variable hides it. */
  workdir: string | undefined;
}

export interface DockerfileModel {
  path: string;
  /** Parser directives (`# syntax=`, `# escape=`), lower-cased names. */
  directives: { name: string; value: string }[];
  escapeChar: string;
  /** ARGs before the first FROM: the only variables a FROM line can use. */
  globalArgs: ArgDecl[];
  stages: Stage[];
  /** Line index of the text, for positions inside instructions. */
  lines: LineIndex;
}

/**
 * Why a Dockerfile of one FROM line and nothing else is judged with low confidence: it builds its
 * base image unchanged, and such a file is usually a version pin that CI and Dependabot read.
 */
export const BASE_IMAGE_ONLY =
  'the Dockerfile holds nothing but its FROM line: it builds the base image unchanged, and such a file is usually only a version pin that CI or Dependabot reads';

/** Whether a Dockerfile is one FROM and nothing else (see {@link BASE_IMAGE_ONLY}). */
export function baseImageOnly(model: DockerfileModel): boolean {
  return model.stages.length === 1 && model.stages[0]!.instructions === 0;
}

/** Files of the workspace that follow a Dockerfile naming convention. */
export function dockerfilePaths(workspace: Workspace): string[] {
  const skip = workspace.matcher(NOT_DOCKERFILES);
  const template = workspace.matcher(DOCKERFILE_TEMPLATES);
  return workspace.glob(DOCKERFILE_GLOBS).filter((f) => {
    if (skip(f)) return false;
    if (!template(f)) return true;
    workspace.leaveOut(f, DOCKERFILE_TEMPLATE);
    return false;
  });
}

/** The model of one Dockerfile (parsed once per run), or undefined when it is not readable text. */
export function readDockerfile(workspace: Workspace, file: string): DockerfileModel | undefined {
  return workspace.memo('dockerfile', file, () => {
    const content = workspace.read(file);
    if (content.kind === 'text') return parseDockerfile(file, content.text, content.lines);
    // Not text (a NUL byte, too large): said as an input problem, not passed over.
    workspace.configText(file);
    return undefined;
  });
}

/** Parses Dockerfile text. Never throws on malformed input: what cannot be read is left out. */
export function parseDockerfile(path: string, text: string, lines = new LineIndex(text)): DockerfileModel {
  // Docker splits lines on '\n' only; a lone '\r' would make the parser count an extra line.
  const source = text.replace(/\r(?!\n)/g, ' ');
  const parsed = vendored('dockerfile-ast').DockerfileParser.parse(source);
  const escapeChar = parsed.getEscapeCharacter();
  const spanOf = (range: Range) => toSpan(range, lines);
  const model: DockerfileModel = {
    path,
    directives: parsed.getDirectives().map((d) => ({ name: d.getName().toLowerCase(), value: d.getValue() })),
    escapeChar,
    globalArgs: [],
    stages: [],
    lines,
  };
  let stage: Stage | undefined;
  let scope: StageScope | undefined;
  // The SHELL in force: a stage starts with the one of the stage it builds on, else /bin/sh.
  let posixShell = true;
  const shellAtEnd: boolean[] = [];
  let globals: Map<string, string | null> | undefined;
  // ENV values at the end of each stage, and the names each stage set, for stages built FROM it.
  const envAtEnd: Map<string, string>[] = [];
  const originsAtEnd: Map<string, readonly ValueOrigin[]>[] = [];
  let globalOrigins: Map<string, readonly ValueOrigin[]> | undefined;
  let envNames = new Set<string>();
  const closeStage = () => {
    if (scope) {
      envAtEnd.push(scope.envSnapshot(envNames));
      originsAtEnd.push(scope.originSnapshot(envNames));
    }
    if (stage) shellAtEnd.push(posixShell);
  };
  for (const ins of parsed.getInstructions()) {
    const keyword = ins.getKeyword();
    if (keyword === 'FROM') {
      closeStage();
      globals ??= globalArgValues(model);
      globalOrigins ??= globalArgOrigins(model);
      stage = {
        index: model.stages.length,
        from: readFrom(ins as From, spanOf),
        args: [],
        users: [],
        runs: [],
        envs: [],
        onbuildEnvs: [],
        adds: [],
        exposes: [],
        command: false,
        entrypoint: false,
        instructions: 0,
        copies: 0,
        copiesFrom: [],
        copiesFromSpans: [],
        mountsFrom: [],
        mountsFromSpans: [],
        volumes: [],
        placed: new Map(),
        workdir: '/',
      };
      const parent = inheritedStage(model, stage, globals);
      if (parent) stage.workdir = parent.workdir;
      scope = new StageScope(
        globals,
        parent ? envAtEnd[parent.index] : undefined,
        escapeChar,
        globalOrigins,
        parent ? originsAtEnd[parent.index] : undefined,
      );
      posixShell = parent ? (shellAtEnd[parent.index] ?? true) : true;
      envNames = new Set(parent ? envAtEnd[parent.index]?.keys() : []);
      model.stages.push(stage);
      continue;
    }
    if (stage) stage.instructions += 1;
    if (stage && (keyword === 'COPY' || keyword === 'ADD')) stage.copies += 1;
    // dockerfile-ast's getFromFlag() answers only when --from is the one flag.
    const fromFlag =
      stage && keyword === 'COPY'
        ? (ins as Copy).getFlags().find((f) => f.getName().toLowerCase() === 'from')
        : undefined;
    const copyFrom = fromFlag?.getValue() ?? undefined;
    if (stage && copyFrom) {
      stage.copiesFrom.push(copyFrom);
      stage.copiesFromSpans.push(spanOf(fromFlag?.getValueRange() ?? ins.getRange()));
    }
    if (stage && keyword === 'RUN') {
      for (const flag of (ins as JSONInstruction).getFlags()) {
        if (flag.getName().toLowerCase() !== 'mount') continue;
        const option = flag.getOption('from');
        const value = option?.getValue();
        if (!option || !value) continue;
        stage.mountsFrom.push(value);
        stage.mountsFromSpans.push(spanOf(option.getValueRange() ?? flag.getRange()));
      }
    }
    if (stage && (keyword === 'COPY' || keyword === 'ADD') && !copyFrom) {
      placeContextCopy(stage, ins as Copy | Add, escapeChar);
    }
    if (keyword === 'ARG') {
      const args = readArgs(ins, escapeChar, spanOf(ins.getRange()));
      (stage ? stage.args : model.globalArgs).push(...args);
      for (const a of stage ? args : []) scope?.declareArg(a.name, a.value, a.span);
    } else if (stage && scope && keyword === 'ENV') {
      const envs = readEnv(ins as Env, scope, spanOf);
      stage.envs.push(...envs);
      for (const e of envs) envNames.add(e.name);
    } else if (stage && keyword === 'ONBUILD') {
      const trigger = (ins as Onbuild).getTriggerInstruction();
      if (trigger?.getKeyword() === 'ENV') {
        for (const p of (trigger as Env).getProperties()) {
          const range = {
            start: p.getNameRange().start,
            end: p.getValueRange()?.end ?? p.getNameRange().end,
          };
          const span = spanOf(range);
          stage.onbuildEnvs.push({ name: p.getName(), value: p.getValue() ?? '', span, at: span.start });
        }
      }
    } else if (stage && scope && keyword === 'ADD') {
      stage.adds.push(readAdd(ins as Add, scope, spanOf));
    } else if (stage && scope && keyword === 'EXPOSE') {
      stage.exposes.push(...readExpose(ins, scope, spanOf));
    } else if (stage && keyword === 'USER') {
      const [first] = splitWords(
        joinContinuations(ins.getRawArgumentsContent() ?? '', escapeChar),
        escapeChar,
      );
      if (first) {
        const user = {
          value: first,
          resolved: scope ? scope.expand(first) : first,
          span: spanOf(ins.getRange()),
        };
        stage.users.push(withArgs(user, ins, spanOf));
      }
    } else if (stage && keyword === 'RUN') {
      const run = withArgs(readRun(ins, source, lines, escapeChar), ins, spanOf);
      if (scope) run.vars = scope.snapshot();
      run.form =
        run.value.trimStart().startsWith('[') && isJsonArray(run.value)
          ? 'exec'
          : posixShell
            ? 'shell'
            : 'other';
      stage.runs.push(run);
    } else if (stage && (keyword === 'CMD' || keyword === 'ENTRYPOINT')) {
      stage.command = true;
      if (keyword === 'ENTRYPOINT') stage.entrypoint = true;
      else {
        const raw = joinContinuations(ins.getRawArgumentsContent() ?? '', escapeChar).trim();
        stage.cmd =
          raw.startsWith('[') && isJsonArray(raw)
            ? (JSON.parse(raw) as string[])
            : splitWords(raw, escapeChar);
      }
    } else if (stage && keyword === 'VOLUME') {
      const raw = joinContinuations(ins.getRawArgumentsContent() ?? '', escapeChar).trim();
      const paths =
        raw.startsWith('[') && isJsonArray(raw)
          ? (JSON.parse(raw) as unknown[])
          : splitWords(raw, escapeChar);
      stage.volumes.push(...paths.filter((v): v is string => typeof v === 'string' && v !== ''));
    } else if (stage && keyword === 'WORKDIR') {
      const [dir] = splitWords(joinContinuations(ins.getRawArgumentsContent() ?? '', escapeChar), escapeChar);
      const resolved = dir && scope ? scope.expand(dir) : dir;
      stage.workdir =
        !resolved || resolved.includes(UNRESOLVED) || /[$"']/.test(resolved)
          ? undefined
          : resolved.startsWith('/')
            ? posix.resolve(resolved)
            : stage.workdir && posix.resolve(stage.workdir, resolved);
    } else if (stage && keyword === 'SHELL') {
      posixShell = isPosixShell(joinContinuations(ins.getRawArgumentsContent() ?? '', escapeChar));
    }
  }
  return model;
}

/** Records where a COPY or ADD from the build context puts each of its sources (see `Stage.placed`). */
function placeContextCopy(stage: Stage, ins: Copy | Add, escapeChar: string): void {
  // The exec form read as JSON here: dockerfile-ast's JSON strings drop the spaces inside them.
  const raw = joinContinuations(ins.getRawArgumentsContent() ?? '', escapeChar);
  const json = (ins as JSONInstruction).getJSONStrings().length > 0 ? raw.slice(raw.indexOf('[')) : '';
  const words = isJsonArray(json)
    ? (JSON.parse(json) as unknown[]).filter((w): w is string => typeof w === 'string')
    : ins.getArguments().map((a) => a.getValue());
  if (stage.workdir === undefined || words.length < 2) return;
  if (words.some((w) => /[$*?[\]"']/.test(w) || w.startsWith('<<') || /^[a-z][a-z0-9+.-]*:\/\//i.test(w)))
    return;
  const dest = words[words.length - 1]!;
  const into = posix.resolve(stage.workdir, dest);
  // A destination ending in a slash, the WORKDIR itself, or several sources: a folder they go into.
  const folder = dest.endsWith('/') || dest === '.' || dest.endsWith('/.') || words.length > 2;
  for (const source of words.slice(0, -1)) {
    const from = posix.normalize(source).replace(/^\.\//, '');
    stage.placed.set(folder ? posix.join(into, posix.basename(from)) : into, from);
  }
}

/**
 * The file position of `index` in a RUN's `value` (its joined command), so a finding about one
 * command of a multi-line RUN points at the physical line that holds it.
 */
export function positionInRun(model: DockerfileModel, run: InstructionText, index: number) {
  if (run.raw === undefined || run.rawOffset === undefined) return run.span.start;
  return runPosition(run.raw, run.rawOffset, model.escapeChar, model.lines, index);
}

/** True for a SHELL instruction's JSON array that names a POSIX shell (`["/bin/bash", "-c"]`). */
function isPosixShell(args: string): boolean {
  try {
    const argv: unknown = JSON.parse(args);
    if (!Array.isArray(argv) || typeof argv[0] !== 'string') return true;
    return SHELLS.has(programName(argv[0]));
  } catch {
    // Docker rejects a SHELL that is not a JSON array; the default shell stays.
    return true;
  }
}

function isJsonArray(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((x) => typeof x === 'string');
  } catch {
    return false;
  }
}

/**
 * The commands a RUN executes, with offsets in its `value` (use {@link positionInRun} for the file
 * position): the shell form lexed as a POSIX script (a heredoc body given to the shell included), the
 * exec form as one command; none for a RUN under a shell that is not POSIX. Cached on the instruction.
 */
export function runCommands(run: InstructionText): CommandView[] {
  const cached = RUN_COMMANDS.get(run);
  if (cached) return cached;
  let views: CommandView[] = [];
  if (run.form === 'exec') views = execFormCommand(run.value);
  else if (run.form !== 'other') {
    views = scriptCommands(run.value);
    // `RUN <<EOF` alone hands the heredoc's body to the shell as the script.
    const first = views[0]?.command;
    const body = first && first.words.length === 0 ? first.redirects.find((r) => r.body)?.body : undefined;
    if (body) views.push(...scriptCommands(run.value, body[0], body[1]));
  }
  RUN_COMMANDS.set(run, views);
  return views;
}

const RUN_COMMANDS = new WeakMap<InstructionText, CommandView[]>();

/**
 * The compound commands (`{ ...; }`, `( ... )`, `if`, loops) around each top-level command of a RUN's
 * script, by the command's offset in the RUN's text (as {@link runCommands} gives it); none for the
 * exec form. Computed once per RUN, when asked.
 */
export function runFrames(run: InstructionText): ReadonlyMap<number, readonly ShellFrameAt[]> {
  const cached = RUN_FRAMES.get(run);
  if (cached) return cached;
  const frames = new Map<number, readonly ShellFrameAt[]>();
  if (run.form !== 'exec' && run.form !== 'other') {
    const add = (found: Map<ShellCommand, ShellFrameAt[]>) => {
      for (const [command, around] of found) frames.set(command.start, around);
    };
    add(shellStructure(run.value));
    // `RUN <<EOF` alone: the heredoc's body is the script (see runCommands).
    const first = runCommands(run)[0]?.command;
    const body = first && first.words.length === 0 ? first.redirects.find((r) => r.body)?.body : undefined;
    if (body) add(shellStructure(run.value, body[0], body[1]));
  }
  RUN_FRAMES.set(run, frames);
  return frames;
}

const RUN_FRAMES = new WeakMap<InstructionText, ReadonlyMap<number, readonly ShellFrameAt[]>>();

/** The exec form `["curl", "-k", "x"]` as one command whose words are the JSON strings. */
function execFormCommand(value: string): CommandView[] {
  const words: ShellWord[] = [];
  for (const m of value.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    let text = m[0];
    try {
      text = JSON.parse(m[0]) as string;
    } catch {
      // Left as written; isJsonArray already checked the whole value.
    }
    words.push({ value: text, start: m.index, end: m.index + m[0].length, quoted: true });
  }
  if (words.length === 0) return [];
  const command: ShellCommand = {
    assignments: [],
    words,
    redirects: [],
    start: words[0]!.start,
    end: words[words.length - 1]!.end,
    depth: 0,
  };
  return [viewOf(command)];
}

/** The earlier stage a FROM builds on (inheriting its ENV), resolving global ARGs in the image. */
function inheritedStage(
  model: DockerfileModel,
  stage: Stage,
  globals: ReadonlyMap<string, string | null>,
): Stage | undefined {
  if (!stage.from.image) return undefined;
  const { text } = expandVariables(stage.from.image, globals, model.escapeChar);
  return text.includes(UNRESOLVED) ? undefined : referencedStage(model, stage, text);
}

/** The external image at the root of a stage's FROM chain, with ARG defaults substituted. */
export function externalBase(model: DockerfileModel, stage: Stage): string | undefined {
  const image = stageChain(model, stage).at(-1)!.from.image;
  if (!image) return undefined;
  const { text } = expandVariables(image, globalArgValues(model), model.escapeChar);
  return text.includes(UNRESOLVED) ? undefined : text;
}

/**
 * The stage and the earlier stages it is built FROM, in that order: the chain ends at a stage built
 * on an external image, or on one named through an ARG without a value.
 */
export function stageChain(model: DockerfileModel, stage: Stage): Stage[] {
  const vars = globalArgValues(model);
  const chain: Stage[] = [];
  for (let current: Stage | undefined = stage; current; ) {
    chain.push(current);
    const image = current.from.image;
    if (!image) break;
    const { text } = expandVariables(image, vars, model.escapeChar);
    // referencedStage only looks at earlier stages, so the walk always terminates.
    current = text.includes(UNRESOLVED) ? undefined : referencedStage(model, current, text);
  }
  return chain;
}

/** Where each global ARG's default is written (see {@link ValueOrigin}), in the order Docker reads them. */
function globalArgOrigins(model: DockerfileModel): Map<string, readonly ValueOrigin[]> {
  const origins = new Map<string, readonly ValueOrigin[]>();
  for (const arg of model.globalArgs) {
    if (arg.value !== null)
      origins.set(arg.name, originsOf(arg.value, { kind: 'ARG', name: arg.name, span: arg.span }, origins));
    else if (!origins.has(arg.name)) origins.set(arg.name, []);
  }
  return origins;
}

/** Final stage of a model, i.e. the image that is built by default. */
export function finalStage(model: DockerfileModel): Stage | undefined {
  return model.stages[model.stages.length - 1];
}

/**
 * The variables a FROM line can use: global ARG defaults in order, each able to use the ones before
 * it. `null` means declared without a default. A default that uses an unknown variable keeps the
 * `UNRESOLVED` marker (dockerfile-words.ts), so a FROM that uses it is known to be partly unknown.
 */
export function globalArgValues(
  model: DockerfileModel,
  buildArgs?: Readonly<Record<string, string>>,
): Map<string, string | null> {
  const vars = new Map<string, string | null>();
  for (const arg of model.globalArgs) {
    // A build argument replaces the default of the ARG it names (`--build-arg`, Bake's `args`).
    if (buildArgs && Object.hasOwn(buildArgs, arg.name)) {
      vars.set(arg.name, buildArgs[arg.name]!);
    } else if (arg.value === null) {
      // Re-declaring without a default keeps the earlier default.
      if (!vars.has(arg.name)) vars.set(arg.name, null);
    } else {
      vars.set(arg.name, expandVariables(arg.value, vars, model.escapeChar).text);
    }
  }
  return vars;
}

/** The earlier stage that a FROM refers to by name, if any (names are case-insensitive). */
export function referencedStage(model: DockerfileModel, stage: Stage, image: string): Stage | undefined {
  const wanted = image.toLowerCase();
  for (let i = stage.index - 1; i >= 0; i--) {
    const s = model.stages[i]!;
    if (s.from.name?.toLowerCase() === wanted) return s;
  }
  return undefined;
}

type Range = ReturnType<Instruction['getRange']>;

/**
 * A FROM word without the quotes around it: BuildKit lexes the word as a shell would, so
 * `FROM "scratch"` is scratch and `FROM "build"` names the stage build, not an image of that name.
 */
function unquoteWord(word: string | null): string | null {
  if (word === null || word.length < 2) return word;
  const q = word[0];
  if ((q !== '"' && q !== "'") || word[word.length - 1] !== q) return word;
  const inner = word.slice(1, -1);
  return inner.includes(q) ? word : inner;
}

function readFrom(ins: From, spanOf: (r: Range) => NodeSpan): FromInstruction {
  const from: FromInstruction = { span: spanOf(ins.getRange()), image: unquoteWord(ins.getImage()) };
  const imageRange = ins.getImageRange();
  if (imageRange) from.imageSpan = spanOf(imageRange);
  const platform = ins.getPlatformFlag()?.getValue();
  if (platform) from.platform = platform;
  const name = ins.getBuildStage();
  const nameRange = ins.getBuildStageRange();
  if (name) from.name = name;
  if (nameRange) from.nameSpan = spanOf(nameRange);
  return from;
}

/**
 * `ARG a b=2 c="x y"` declares three variables. Read from the raw text: dockerfile-ast only exposes
 * one property per ARG instruction.
 */
function readArgs(ins: Instruction, escapeChar: string, span: NodeSpan): ArgDecl[] {
  const raw = ins.getRawArgumentsContent();
  if (!raw) return [];
  return splitWords(joinContinuations(raw, escapeChar), escapeChar).flatMap((word): ArgDecl[] => {
    const eq = word.indexOf('=');
    const name = eq === -1 ? word : word.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return [];
    return [{ name, value: eq === -1 ? null : word.slice(eq + 1), span }];
  });
}

function readRun(ins: Instruction, source: string, lines: LineIndex, escapeChar: string): InstructionText {
  const span = toSpan(ins.getRange(), lines);
  const range = ins.getArgumentsRange();
  if (!range) return { value: '', span };
  const rawOffset = offset(range.start, lines);
  const raw = source.slice(rawOffset, offset(range.end, lines));
  // A heredoc body is a script of its own: its lines are not Dockerfile continuations.
  const value = /<<-?["']?[A-Za-z_]/.test(raw) ? raw : joinContinuations(raw, escapeChar);
  return { value, span, raw, rawOffset };
}

function withArgs(out: InstructionText, ins: Instruction, spanOf: (r: Range) => NodeSpan): InstructionText {
  const args = ins.getArgumentsRange();
  if (args) out.argsSpan = spanOf(args);
  return out;
}

/** dockerfile-ast ranges are 0-based and end-exclusive; spans are 1-based and end-inclusive. */
function toSpan(range: Range, lines: LineIndex): NodeSpan {
  const start = offset(range.start, lines);
  const end = Math.max(start, offset(range.end, lines) - 1);
  return { start: lines.position(start), end: lines.position(end) };
}

function offset(pos: { line: number; character: number }, lines: LineIndex): number {
  return Math.min(lines.lineStart(pos.line + 1) + pos.character, lines.length);
}
