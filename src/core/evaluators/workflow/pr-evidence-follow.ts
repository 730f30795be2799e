import picomatch from 'picomatch';
import {
  DOCKERFILE_GLOBS,
  type DockerfileModel,
  readDockerfile,
  type Stage,
} from '../../parsers/dockerfile.js';
import { packageScripts } from '../../parsers/package-json.js';
import { defineSelector, globSelector, keysOfNames } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * What a `run:` script hands its work to, for `workflow.pr-evidence`: teams rarely spell `go test` or
 * `golangci-lint run` in the workflow; they call `make test`, `npm run coverage`, `./hack/verify.sh`,
 * `scripts/test` or `../scripts/build-${language}.sh`, or build an image whose Dockerfile runs them.
 * These helpers find the texts that such a call runs — a repository script, a Makefile target's recipe
 * (and the recipes of its prerequisites), a package.json script (with its pre and post scripts), the
 * RUN instructions of the Dockerfile stages an image build runs — so the rule's command patterns can
 * be matched against them (and workflow.checkout-credentials' push patterns). Nothing is executed; the
 * texts are only read, through the workspace (which bounds sizes and never follows a symlink out of
 * the tree).
 */

/** At most this many texts are followed from one workflow step (a script calling scripts). */
const MAX_TEXTS = 24;
/** Calls are followed this deep (step -> make target -> script). */
const MAX_DEPTH = 2;
/** A script path with variables (`build-${lang}.sh`) names at most this many files. */
const MAX_GLOB_FILES = 8;

/**
 * A repository script called by path: `./x.sh`, `hack/verify.sh`, `bash ../scripts/b-${l}.sh`, and
 * in a Makefile recipe a line's `@` (silent) or `+` prefix: `@./hack/update-deps.sh`.
 */
// One character class (no nested or overlapping quantifiers): linear on a long token.
const SCRIPT_CALL = /(?:^[ \t]*[@+]|^|[\s;&|(`"'])([\w.${}()/-]*\.(?:sh|bash))(?=$|[\s;&|)`"'])/gm;
/**
 * A repository program called by path where a command starts, without a script extension:
 * `scripts/publish`, `./bin/release`, `sh scripts/test`, a Makefile recipe's `@scripts/lint`. Read as
 * a script when the file is one (its first line a shebang, `#!/bin/sh`); a path with no directory
 * (`make`) names a command, not a file. One character class per part: linear on a long line.
 */
const PATH_CALL =
  /(?:^[ \t]*[@+-]?|[;&|(`][ \t]*|(?:^|[\s;&|(])(?:bash|sh|zsh|dash|exec|source|\.|then|do|else|sudo|time)[ \t]+)((?:\.{1,2}\/)*[\w.-]+(?:\/[\w.-]+)*)(?=$|[\s;&|)`])/gm;
/** A make invocation and the words after it on the same command (targets, -C dir, -f file). */
const MAKE_CALL = /(?<![\w-])(?:g?make|\$\(MAKE\)|\$\{MAKE\})((?:[ \t]+[^\s;&|)`]+)*)/g;

/**
 * A package manager and the words after it on the same command: `npm run coverage`, `yarn lint`,
 * `pnpm --dir web run check`, `bun run test`. One character class per word: linear on a long line.
 */
const PACKAGE_MANAGER_CALL = /(?<![\w./-])(npm|pnpm|yarn|bun)((?:[ \t]+[^\s;&|)`]+){1,8})/g;
/** Options of the package managers that name the package's directory. */
const PACKAGE_DIR_OPTIONS = new Set(['--prefix', '-C', '--dir', '--cwd']);
/**
 * Commands of yarn and pnpm that are no script of the package (both run a script named as a bare
 * word, `yarn lint`, unless the word is one of their own commands).
 */
const MANAGER_COMMANDS = new Set(
  (
    'add audit bin cache ci config create dedupe dlx exec fetch help i import info init install link ' +
    'list licenses login logout ls node outdated owner pack patch plugin prune publish rebuild remove rm ' +
    'set store tag unlink up update upgrade version versions why workspace workspaces x'
  ).split(' '),
);

/**
 * The package script a package manager call runs (`npm run x`, `npm run-script x`, `npm test`,
 * `npm start`, `yarn x`, `pnpm x`, `bun run x`) and the directory of its package.json (`--prefix`,
 * `-C`, `--dir`, `--cwd`; else the root).
 */
function packageScriptCall(manager: string, args: string): { dir: string; script: string } | undefined {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let dir = '';
  const positional: string[] = [];
  for (let i = 0; i < words.length && positional.length < 2; i++) {
    const w = words[i]!;
    if (PACKAGE_DIR_OPTIONS.has(w)) dir = words[++i] ?? '';
    else if (/^--(?:prefix|dir|cwd)=/.test(w)) dir = w.slice(w.indexOf('=') + 1);
    else if (w === '--') break;
    else if (!w.startsWith('-')) positional.push(w);
  }
  const [first, second] = positional;
  let script: string | undefined;
  if (first === 'run' || first === 'run-script') script = second;
  else if (first === 'test' || first === 't' || first === 'tst') script = 'test';
  else if (first === 'start') script = 'start';
  else if ((manager === 'yarn' || manager === 'pnpm') && first && !MANAGER_COMMANDS.has(first))
    script = first;
  if (!script || !/^[\w:.@/-]+$/.test(script)) return undefined;
  return { dir: dir.replace(/^\.\/?/, '').replace(/\/$/, ''), script };
}

/** A text a step hands work to, and how it was reached (for a make target: its name). */
export interface Followed {
  text: string;
  /** The make target whose recipe this is, when it is one. */
  target?: string;
}

/**
 * The texts that `script` (a `run:` body, a recipe or a script file) calls, up to {@link MAX_DEPTH}
 * levels deep and {@link MAX_TEXTS} texts in all, in the order found. With `images`, the RUN
 * instructions of the Dockerfiles that image builds read too (they run in the image, not in the
 * job's checkout: evidence of what runs, not of what changes the tree).
 */
export function followCalls(workspace: Workspace, script: string, images = false): Followed[] {
  const out: Followed[] = [];
  const seen = new Set<string>();
  let frontier = [script];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const text of frontier) {
      for (const f of directCalls(workspace, text, seen, images)) {
        if (out.length >= MAX_TEXTS) return out;
        out.push(f);
        next.push(f.text);
      }
    }
    frontier = next;
  }
  return out;
}

/** The Makefiles {@link makeRecipes} reads (a Makefile and the `*.mk` files Makefiles usually include). */
export const MAKEFILE_GLOBS: readonly string[] = ['**/Makefile', '**/makefile', '**/GNUmakefile', '**/*.mk'];

/**
 * The files {@link followCalls} and {@link makeRecipes} read besides the script they start from, for
 * a per-file rule's `readsOtherFiles`: scripts by their extension, Makefiles, package.json scripts.
 * A program called by path without a script extension (`scripts/publish`, read when it starts with
 * `#!`) may have any name: see {@link followedAnyName}.
 */
export const FOLLOWED_FILES: readonly string[] = [
  '**/*.sh',
  '**/*.bash',
  ...MAKEFILE_GLOBS,
  '**/package.json',
];

/** A Makefile by its name, whatever it ends with (`Makefile.release`, `ci.make`): `make -f` may name one. */
const MAKEFILE_NAME = /(?:^|\/)(?:GNUmakefile|[Mm]akefile)(?:[.-][^/]*)?$|\.(?:mk|make|mak)$/;

/**
 * The files {@link followCalls} may read whatever their name, besides {@link FOLLOWED_FILES}: a
 * program called by path (`scripts/publish`), read when it starts with `#!` on either tree, and a
 * Makefile named as Makefiles are (for `make -f`). A file no tree holds may have been either.
 * Not every one: `make -f` and `include` may name a file anything.
 */
export function followedAnyName(file: string, trees: readonly Workspace[]): boolean {
  if (MAKEFILE_NAME.test(file)) return true;
  const held = trees.filter((t) => t.has(file));
  return held.length === 0 || held.some((t) => t.text(file)?.startsWith('#!') === true);
}

/**
 * Whether a change of these files (of {@link FOLLOWED_FILES}, or {@link followedAnyName}) may change
 * what a step is followed to: a script or Makefile edited, added or deleted does; a package.json both trees hold
 * with the same scripts does not, since only its `scripts` are read (a dependency bump).
 */
export function followedChange(files: readonly string[], head: Workspace, base: Workspace): boolean {
  return files.some(
    (f) =>
      !/(?:^|\/)package\.json$/.test(f) ||
      !head.has(f) ||
      !base.has(f) ||
      JSON.stringify(packageScripts(head, f)) !== JSON.stringify(packageScripts(base, f)),
  );
}

/** At most this many make rules are read from one script (targets, their prerequisites, sub-makes). */
const MAX_MAKE_RULES = 32;

/**
 * The recipes of the make targets a script (a `run:` body) calls, `make image` or `make -C dir x`, with
 * those of their prerequisites, transitively, and of the targets their recipes call in turn (`$(MAKE)
 * push`), read from the Makefile with the files it includes (see {@link makefileRules}); at most
 * {@link MAX_MAKE_RULES} rules in all. Nothing is run: what make would run is only read. Unlike
 * {@link followCalls}, no script a recipe runs is read.
 */
export function makeRecipes(workspace: Workspace, script: string): Followed[] {
  const out: Followed[] = [];
  const seen = new Set<string>();
  const queue: { makefile: string; target: string }[] = [];
  const calls = (text: string) => {
    for (const m of text.matchAll(MAKE_CALL)) {
      const { makefile, targets } = makeArguments(workspace, m[1] ?? '');
      if (makefile) for (const target of targets) queue.push({ makefile, target });
    }
  };
  calls(script);
  for (let next = queue.shift(); next && out.length < MAX_MAKE_RULES; next = queue.shift()) {
    const { makefile, target } = next;
    const key = `${makefile}#${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rule = makefileRules(workspace, makefile).get(target);
    if (!rule) continue;
    out.push({ text: rule.recipe, target });
    for (const p of rule.prerequisites) queue.push({ makefile, target: p });
    // A sub-make with no directory or file of its own reads the same Makefile.
    if (rule.recipe.includes('make') || rule.recipe.includes('MAKE')) calls(rule.recipe);
  }
  return out;
}

/** Included Makefiles are read this deep, and at most this many per Makefile. */
const MAX_INCLUDE_DEPTH = 2;
const MAX_INCLUDES = 8;
/** `include a.mk b.mk`, `-include x.mk`, `sinclude x.mk`: the files named. */
const INCLUDE_LINE = /^[ \t]*[-s]?include[ \t]+([^\n#]*)/gm;

/**
 * The rules of a Makefile read with the files it includes (`include release/release.mk`), each
 * included text in place of its `include` line, so that their variables and targets count as make
 * counts them: a path with a variable or a glob is not followed; paths are the Makefile's directory's.
 * Parsed once per tree.
 */
export function makefileRules(workspace: Workspace, makefile: string): ReadonlyMap<string, MakeRule> {
  return workspace.memo('makefile-rules-included', makefile, (file) => {
    let budget = MAX_INCLUDES;
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    const read = (path: string, depth: number): string =>
      (workspace.text(path) ?? '').replace(INCLUDE_LINE, (line, names: string) => {
        if (depth >= MAX_INCLUDE_DEPTH) return line;
        const texts: string[] = [];
        for (const name of names.trim().split(/\s+/)) {
          if (budget <= 0 || !/^[\w./-]+$/.test(name) || name.startsWith('/')) continue;
          const included = `${dir}${name}`.replace(/^(?:\.\/)+/, '').replace(/\/\.\//g, '/');
          if (included === path || !workspace.has(included)) continue;
          budget--;
          texts.push(read(included, depth + 1));
        }
        return texts.join('\n');
      });
    return parseMakefile(read(file, 0));
  });
}

/**
 * The scripts, make recipes (and, with `images`, built Dockerfiles) one text calls directly; `seen`
 * keys (file or file#target) skip repeats.
 */
function directCalls(workspace: Workspace, text: string, seen: Set<string>, images: boolean): Followed[] {
  const out: Followed[] = [];
  for (const m of text.matchAll(SCRIPT_CALL)) {
    for (const file of scriptFiles(workspace, m[1]!)) {
      if (seen.has(file)) continue;
      seen.add(file);
      const body = workspace.text(file);
      if (body !== undefined) out.push({ text: body });
    }
  }
  for (const m of text.matchAll(PATH_CALL)) {
    const raw = m[1]!;
    const file = raw.replace(/^(?:\.{1,2}\/)+/, '');
    // Scripts with an extension are SCRIPT_CALL's; a bare name is a command on the PATH.
    if (!raw.includes('/') || /\.(?:sh|bash)$/.test(file) || seen.has(file) || !workspace.has(file)) continue;
    seen.add(file);
    const body = workspace.text(file);
    if (body?.startsWith('#!')) out.push({ text: body });
  }
  for (const m of text.matchAll(PACKAGE_MANAGER_CALL)) {
    const call = packageScriptCall(m[1]!, m[2] ?? '');
    if (!call) continue;
    const file = call.dir ? `${call.dir}/package.json` : 'package.json';
    if (!workspace.has(file)) continue;
    const scripts = packageScripts(workspace, file);
    // npm and pnpm run `pre<name>` and `post<name>` around the script.
    for (const name of [`pre${call.script}`, call.script, `post${call.script}`]) {
      const body = Object.hasOwn(scripts, name) ? scripts[name] : undefined;
      const key = `${file}#${name}`;
      if (body === undefined || seen.has(key)) continue;
      seen.add(key);
      out.push({ text: body, target: name });
    }
  }
  // Its options are often one per line, after a backslash.
  for (const m of images ? text.replace(/\\\r?\n/g, ' ').matchAll(DOCKER_BUILD_CALL) : []) {
    const build = dockerBuildArguments(m[1] ?? '');
    if (build) out.push(...dockerfileRuns(workspace, build, seen));
  }
  for (const m of text.matchAll(MAKE_CALL)) {
    const { makefile, targets } = makeArguments(workspace, m[1] ?? '');
    if (!makefile) continue;
    // Parsed once per tree: many steps call the same Makefile.
    const rules = workspace.memo('makefile-targets', makefile, (f) => parseMakefile(workspace.text(f) ?? ''));
    for (const target of targets) {
      for (const recipe of recipesOf(rules, target)) {
        const key = `${makefile}#${recipe.target}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(recipe);
      }
    }
  }
  return out;
}

/**
 * The repository files a script path names. Working directories are unknown, so `./` and `../` are
 * dropped and the rest is looked up at the root first, then anywhere in the tree; a variable
 * (`${lang}`, `$LANG`, `$(x)`) matches any name.
 */
function scriptFiles(workspace: Workspace, raw: string): string[] {
  const rel = raw
    .replace(/^(?:\.{1,2}\/)+/, '')
    .replace(/\$\{[^}]*\}|\$\([^)]*\)|\$\w+/g, '*')
    .replace(/\*{2,}/g, '*');
  if (rel === '' || /[{}()$]/.test(rel) || rel.startsWith('/')) return [];
  if (!rel.includes('*') && workspace.has(rel)) return [rel];
  // Matched among the tree's shell scripts only (listed once per tree), never the whole file index
  // per call: a monorepo's workflows call hundreds of scripts.
  const match = picomatch([rel, `**/${rel}`], { dot: true });
  return shellScripts(workspace)
    .filter((f) => match(f))
    .slice(0, MAX_GLOB_FILES);
}

const SHELL_SCRIPTS = defineSelector(
  'shell-scripts',
  (f) => f.endsWith('.sh') || f.endsWith('.bash'),
  keysOfNames(['.sh', '.bash']),
);

/** The tree's `.sh` and `.bash` files, in index order (listed once per tree). */
function shellScripts(workspace: Workspace): readonly string[] {
  return workspace.filesWhere(SHELL_SCRIPTS);
}

/** The Makefile a make call reads (`-C dir`, `-f file`, else the root's) and its targets. */
function makeArguments(workspace: Workspace, args: string): { makefile?: string; targets: string[] } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let dir = '';
  let file: string | undefined;
  const targets: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-C' || w === '--directory') dir = words[++i] ?? '';
    else if (w === '-f' || w === '--file' || w === '--makefile') file = words[++i];
    else if (/^--?[\w-]/.test(w) || w.includes('=')) continue;
    else if (/^[\w./-]+$/.test(w)) targets.push(w);
    else break;
  }
  const base = dir.replace(/^\.\/?/, '').replace(/\/$/, '');
  const join = (f: string) => (base ? `${base}/${f}` : f).replace(/^\.\//, '');
  const candidates = file ? [join(file)] : ['GNUmakefile', 'makefile', 'Makefile'].map(join);
  return { makefile: candidates.find((c) => workspace.has(c)), targets };
}

/**
 * The recipe of `target` in a parsed Makefile, followed by the recipes of its prerequisites named in
 * the same file (one level): `test: unit-test lint` runs both.
 */
function recipesOf(rules: ReadonlyMap<string, MakeRule>, target: string): Followed[] {
  const own = rules.get(target);
  if (!own) return [];
  const out: Followed[] = [{ text: own.recipe, target }];
  for (const p of own.prerequisites) {
    const dep = rules.get(p);
    if (dep && p !== target) out.push({ text: dep.recipe, target: p });
  }
  return out;
}

/** A Makefile rule: its prerequisites and its recipe (variables expanded). */
export interface MakeRule {
  prerequisites: string[];
  recipe: string;
}

/**
 * A simple variable assignment's left side, up to its `=`: `NAME `, `NAME ?`, `NAME :`, `NAME ::`,
 * with an optional `export` or `override`. Appends (`+=`), shell assignments (`!=`) and target-specific
 * ones (`t: X = y`) are not simple. Disjoint character classes: linear on a long line.
 */
const ASSIGNMENT_HEAD = /^(?:(?:export|override)[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*(\?|:{1,3})?$/;
/** A variable reference, `$(NAME)` or `${NAME}`. */
const VARIABLE_REF = /\$(?:\(([A-Za-z_][\w.-]*)\)|\{([A-Za-z_][\w.-]*)\})/g;
/** Variables are expanded this deep (`LINT = $(BIN)/golangci-lint` with `BIN = ...`). */
const MAX_EXPANSION_DEPTH = 3;
/** Expansion stops adding text past this many characters per Makefile: no blow-up from nested variables. */
const MAX_EXPANDED_CHARS = 200_000;

/**
 * Targets of a Makefile: prerequisites and tab-indented recipe lines, with the references to simple
 * variables (`VAR = x`, `VAR ?= x`, `VAR := x`) expanded in the recipes, so that
 * `GOLANGCI_LINT ?= bin/golangci-lint` and `$(GOLANGCI_LINT) run` read as the command they run.
 * Unknown variables are left as they are.
 */
function parseMakefile(text: string): Map<string, MakeRule> {
  const variables = new Map<string, string>();
  const rules = readMakefile(text, variables);
  let budget = MAX_EXPANDED_CHARS;
  const expand = (value: string, depth: number): string =>
    value.replace(VARIABLE_REF, (ref, paren: string | undefined, brace: string | undefined) => {
      const known = variables.get((paren ?? brace)!);
      if (known === undefined || budget < known.length) return ref;
      budget -= known.length;
      return depth > 1 ? expand(known, depth - 1) : known;
    });
  if (variables.size > 0) {
    for (const rule of rules.values()) {
      if (rule.recipe.includes('$')) rule.recipe = expand(rule.recipe, MAX_EXPANSION_DEPTH);
    }
  }
  return rules;
}

/** A Makefile conditional directive line: `ifeq (a,b)`, `ifndef X`, `else`, `else ifdef Y`, `endif`. */
const CONDITIONAL_DIRECTIVE = /^[ \t]*(?:ifeq|ifneq|ifdef|ifndef|else|endif)(?:[ \t\r]|$)/;

function readMakefile(text: string, variables: Map<string, string>): Map<string, MakeRule> {
  const rules = new Map<string, MakeRule>();
  let current: MakeRule[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('\t')) {
      for (const r of current) r.recipe += `${line.slice(1)}\n`;
      continue;
    }
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    // A conditional (`ifeq`, `ifdef`, `else`, `endif`) is read by make, not run: within a recipe it
    // neither ends it nor starts another rule, and the recipe lines of both branches belong to the
    // target (which branch runs is decided when make runs; both are read as what it may run).
    if (CONDITIONAL_DIRECTIVE.test(line)) continue;
    const eq = line.indexOf('=');
    const assignment = eq > 0 ? ASSIGNMENT_HEAD.exec(line.slice(0, eq).trim()) : null;
    if (assignment) {
      const [, name, op] = assignment;
      // `?=` sets a variable only when it has no value yet; the others (re)define it.
      if (op !== '?' || !variables.has(name!)) {
        variables.set(
          name!,
          line
            .slice(eq + 1)
            .replace(/#.*/, '')
            .trim(),
        );
      }
      current = [];
      continue;
    }
    // `targets: prerequisites` (`::` too), but not a variable assignment (`x := y`, `x ?= y`, a
    // target-specific `t: X = y`). Split by hand, not by a regex: a line is attacker-sized.
    const colon = line.indexOf(':');
    const head = colon > 0 ? line.slice(0, colon) : '';
    let rest = colon > 0 ? line.slice(colon + 1) : '';
    if (rest.startsWith(':')) rest = rest.slice(1);
    const semi = rest.indexOf(';');
    const prereqText = (semi >= 0 ? rest.slice(0, semi) : rest).replace(/#.*/, '');
    if (!head || /^\s|[=#]/.test(head) || rest.startsWith('=') || prereqText.includes('=')) {
      current = [];
      continue;
    }
    const inline = semi >= 0 ? rest.slice(semi + 1) : '';
    current = [];
    const prerequisites = prereqText.split(/[\s|]+/).filter(Boolean);
    for (const name of head.trim().split(/\s+/)) {
      const rule = rules.get(name) ?? { prerequisites: [], recipe: '' };
      rule.prerequisites.push(...prerequisites);
      if (inline) rule.recipe += `${inline}\n`;
      rules.set(name, rule);
      current.push(rule);
    }
  }
  return rules;
}

/**
 * An image build and the words after it on the same command: `docker build`, `docker buildx build`,
 * `docker image build`, `podman build`. One character class per word: linear on a long line.
 */
const DOCKER_BUILD_CALL =
  /(?<![\w./-])(?:docker|podman)[ \t]+(?:(?:buildx|image)[ \t]+)?build((?:[ \t]+[^\s;&|)`]+){0,40})/g;
/** Options of `docker build` that take no value (the others take the next word, or `=value`). */
const DOCKER_BUILD_FLAGS = new Set(
  '--push --load --pull --no-cache -q --quiet --rm --force-rm --compress --squash --disable-content-trust'.split(
    ' ',
  ),
);

/** What an image build reads: its Dockerfile (a path from the root, `*` for a variable) and target stage. */
export interface DockerBuild {
  file: string;
  target?: string;
}

/**
 * The Dockerfile and target of a `docker build` command's arguments: `-f`/`--file`, else `Dockerfile`
 * in the context directory (the one positional word); undefined for a context from standard input
 * or a URL, whose Dockerfile is not in this tree.
 */
function dockerBuildArguments(args: string): DockerBuild | undefined {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let file: string | undefined;
  let target: string | undefined;
  let context: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const [name, value] =
      w.startsWith('-') && w.includes('=')
        ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]
        : [w, undefined];
    if (!name.startsWith('-')) context ??= w;
    else if (DOCKER_BUILD_FLAGS.has(name)) continue;
    else {
      const v = value ?? words[++i];
      if (name === '-f' || name === '--file') file = v;
      else if (name === '--target') target = v;
    }
  }
  const dir = unquote(context ?? '.');
  if (file === undefined && (dir === '-' || /^[\w+.-]+:\/\/|^git@/.test(dir))) return undefined;
  return dockerBuild(file === undefined ? undefined : unquote(file), dir, target && unquote(target));
}

/**
 * The build an action's inputs describe (`docker/build-push-action`'s `file:`, `context:` and
 * `target:`): the file, else `Dockerfile` in the context, else at the root (its Git context is the
 * repository). A `${{ }}` in a path (a matrix value) matches any name.
 */
export function dockerBuild(
  file: string | undefined,
  context: string | undefined,
  target?: string,
): DockerBuild {
  const rel = (path: string) =>
    path
      .trim()
      .replace(/\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$\w+/g, '*')
      .replace(/\*{2,}/g, '*')
      .replace(/^(?:\.{1,2}\/)+|^\.$/g, '')
      .replace(/\/+$/, '');
  const dir = context === undefined || /^[\w+.-]+:\/\/|^git@/.test(context.trim()) ? '' : rel(context);
  const path =
    file !== undefined && file.trim() !== '' ? rel(file) : dir ? `${dir}/Dockerfile` : 'Dockerfile';
  const stage = target?.trim();
  return { file: path, ...(stage && !stage.includes('$') ? { target: stage } : {}) };
}

/** A word without the quotes around it. */
function unquote(word: string): string {
  return /^(["']).*\1$/.test(word) ? word.slice(1, -1) : word;
}

const DOCKERFILES = globSelector(DOCKERFILE_GLOBS);

/**
 * The RUN instructions an image build runs, one text per Dockerfile it names (a path with `*` names
 * at most {@link MAX_GLOB_FILES}): those of the target stage (the last without `--target`) and of
 * the stages it needs, as BuildKit skips the others. `seen` keys (file#target) skip repeats.
 */
export function dockerfileRuns(workspace: Workspace, build: DockerBuild, seen: Set<string>): Followed[] {
  let files: string[] = [];
  if (!build.file.includes('*')) files = workspace.has(build.file) ? [build.file] : [];
  else {
    const match = picomatch(build.file, { dot: true });
    files = workspace
      .filesWhere(DOCKERFILES)
      .filter((f) => match(f))
      .slice(0, MAX_GLOB_FILES);
  }
  const out: Followed[] = [];
  for (const file of files) {
    const key = `${file}#${build.target ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const model = readDockerfile(workspace, file);
    const stages = model ? neededStages(model, workspace.text(file) ?? '', build.target) : [];
    const runs = stages.flatMap((stage) => stage.runs.map((r) => r.value));
    if (runs.length > 0) out.push({ text: runs.join('\n') });
  }
  return out;
}

/**
 * The stages a build of `target` runs: that stage (the last one without a target; every stage for a
 * target not found here) and, transitively, the stages it builds on (`FROM <stage>`) or copies or
 * mounts from (`--from=<stage>`, `from=<stage>`, by name or index).
 */
function neededStages(model: DockerfileModel, text: string, target?: string): Stage[] {
  const { stages } = model;
  const named = (name: string): Stage | undefined =>
    /^\d+$/.test(name)
      ? stages[Number(name)]
      : stages.find((s) => s.from.name?.toLowerCase() === name.toLowerCase());
  const first = target ? named(target) : stages.at(-1);
  if (!first) return target ? stages : [];
  const lines = text.split('\n');
  const needed = new Set<Stage>();
  const queue = [first];
  for (let stage = queue.pop(); stage; stage = queue.pop()) {
    if (needed.has(stage)) continue;
    needed.add(stage);
    const next = stages[stage.index + 1];
    const body = lines
      .slice(stage.from.span.start.line - 1, next ? next.from.span.start.line - 1 : undefined)
      .join('\n');
    const refs = [stage.from.image ?? '', ...[...body.matchAll(FROM_STAGE)].map((m) => m[1]!)];
    for (const ref of refs) {
      const other = named(unquote(ref));
      if (other && other.index < stage.index) queue.push(other);
    }
  }
  return stages.filter((s) => needed.has(s));
}

/** `COPY --from=<stage>`, `RUN --mount=type=bind,from=<stage>`: the stage named. */
const FROM_STAGE = /(?:--|[,=])from=([^\s,]+)/gi;

/** The root golangci-lint configuration files, in the order golangci-lint looks for them. */
const GOLANGCI_CONFIGS = ['.golangci.yml', '.golangci.yaml', '.golangci.json'];

/**
 * Whether the repository's root golangci-lint configuration enables one of `linters` (`gosec`):
 * listed under `linters.enable`, or all linters on (`default: all` in v2, `enable-all: true` in v1)
 * and not listed under `linters.disable`. No configuration, or one that does not parse: false (the
 * default set has no security linter).
 */
export function golangciEnables(workspace: Workspace, linters: readonly string[]): boolean {
  if (linters.length === 0) return false;
  const file = GOLANGCI_CONFIGS.find((f) => workspace.has(f));
  const doc = file ? workspace.yaml(file) : undefined;
  const root = doc?.ok ? doc.documents[0]?.value : undefined;
  const section = isRecord(root) && isRecord(root.linters) ? root.linters : undefined;
  if (!section) return false;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const enabled = new Set(list(section.enable).map((s) => s.toLowerCase()));
  const disabled = new Set(list(section.disable).map((s) => s.toLowerCase()));
  const all = section.default === 'all' || section['enable-all'] === true;
  return linters.some((l) => {
    const name = l.toLowerCase();
    return enabled.has(name) || (all && !disabled.has(name));
  });
}

/** The configuration of `golangci-lint custom`, which builds golangci-lint with module plugins. */
const CUSTOM_GCL_CONFIGS = ['.custom-gcl.yml', '.custom-gcl.yaml'];

/**
 * A `<binary> ... run` command for the golangci-lint that `golangci-lint custom` builds, as the root
 * `.custom-gcl.yml` names it (`name`, default `custom-gcl`, written to `destination`): whatever
 * directory a step runs it from (`bin/custom-gcl run`, `./custom-gcl run ./...`), it is golangci-lint
 * with the root configuration. Undefined without such a file.
 */
export function customGolangciCommand(workspace: Workspace): RegExp | undefined {
  const file = CUSTOM_GCL_CONFIGS.find((f) => workspace.has(f));
  if (!file) return undefined;
  const doc = workspace.yaml(file);
  const root = doc?.ok ? doc.documents[0]?.value : undefined;
  const declared = isRecord(root) && typeof root.name === 'string' ? root.name.trim() : '';
  // A file name only; anything else is not what `golangci-lint custom` writes.
  const name = /^[\w.+-]{1,100}$/.test(declared) ? declared : 'custom-gcl';
  const escaped = name.replace(/[.+]/g, '\\$&');
  return new RegExp(`(?<![\\w.+-])${escaped}(?:\\s+[^\\n]{0,80}?)?\\s+run(?![\\w-])`, 'i');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
