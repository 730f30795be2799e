import path from 'node:path';
import { type CommandView, SHELLS, scriptCommands } from '../../parsers/shell-commands.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * How a script or a Makefile runs kind under another name: a variable that holds the kind binary
 * (`KIND_BIN=${CACHE}/kind-v0.20.0`, `KIND ?= $(LOCALBIN)/kind`, `KIND=$(command -v kind)`, or the file
 * a download of kind's release writes) used as a command's name (`${KIND_BIN} create cluster`,
 * `$(KIND) create cluster`), and a script of the repository that a command runs. An unknown variable
 * (set nowhere this reads, or set to anything else anywhere) is not kind.
 */

/** A program's path whose base name is kind's: `kind`, `bin/kind-v0.20.0`, `sigs.k8s.io/kind@v0.20.0`. */
const KIND_PROGRAM = /(?:^|\/)kind(?:-[\w.${}()-]*)?(?:@[\w.${}()-]+)?$/;
/** Files named after kind that are not its binary (`kind-config.yaml`, `kind-up.sh`). */
const NOT_PROGRAM = /\.(?:ya?ml|json|toml|conf|cfg|txt|sh|bash|md)$/i;
/** kind looked up on the PATH: `$(command -v kind)`, `` `which kind` ``, make's `$(shell which kind)`. */
const LOOKED_UP = /^(?:\$\((?:shell\s+)?|`)\s*(?:command\s+-v|which|type\s+-[pP])\s+kind\s*(?:\)|`)$/;
/** Where kind's releases are downloaded from. */
const KIND_DOWNLOAD = /kind\.sigs\.k8s\.io\/dl\/|github\.com\/kubernetes-sigs\/kind\/releases\//;
/** A shell variable as a whole word: `$KIND`, `${KIND}`. */
const SHELL_VARIABLE = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/;
/** A make variable as a whole word: `$(KIND)`, `${KIND}`. */
const MAKE_VARIABLE = /^\$(?:\(([A-Za-z_][\w.-]*)\)|\{([A-Za-z_][\w.-]*)\})$/;
/** A make variable assignment outside recipes: `KIND ?= ...`, `export KIND := ...`. */
const MAKE_ASSIGNMENT =
  /^(?:export[ \t]+|override[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*(::?=|:::=|\?=|\+=|!=|=)[ \t]*(.*)$/gm;
/** Builtins that assign the `NAME=value` words after them. */
const DECLARING = new Set(['export', 'readonly', 'local', 'declare', 'typeset']);
/** Sourced files and called scripts are followed this many levels deep. */
const MAX_DEPTH = 2;

/** The values a file gives its variables, and the variables a download of kind writes. */
interface Assigned {
  values: Map<string, string[]>;
  downloaded: Set<string>;
}

/** Whether an assigned value is the kind binary (see the module comment). */
function holdsKind(raw: string): boolean {
  let value = raw.trim().replace(/^(["'])(.*)\1$/s, '$2');
  // `${KIND:-kind}`: what it is unless the environment says otherwise.
  const fallback = /^\$\{[A-Za-z_]\w*:?[-=](.*)\}$/s.exec(value);
  if (fallback) value = fallback[1]!.trim();
  if (LOOKED_UP.test(value)) return true;
  const last = value.split(/\s+/).pop() ?? '';
  return !NOT_PROGRAM.test(last) && KIND_PROGRAM.test(last);
}

/** The variable a command's name is, if it is one as a whole word. */
function variableName(word: string, makefile: boolean): { name: string; make: boolean } | undefined {
  if (makefile) {
    const m = MAKE_VARIABLE.exec(word);
    if (m) return { name: (m[1] ?? m[2])!, make: true };
    // `$$KIND` in a recipe is the shell's `$KIND`.
    const shell = word.startsWith('$$') ? SHELL_VARIABLE.exec(word.slice(1)) : undefined;
    return shell ? { name: (shell[1] ?? shell[2])!, make: false } : undefined;
  }
  const m = SHELL_VARIABLE.exec(word);
  return m ? { name: (m[1] ?? m[2])!, make: false } : undefined;
}

function add(into: Assigned, name: string, value: string): void {
  const list = into.values.get(name) ?? [];
  list.push(value);
  into.values.set(name, list);
}

/** The file a download command writes kind's release to: `curl -Lo "$KIND" <url>`, `wget -O $KIND <url>`. */
function downloadTarget(view: CommandView, assigned: Assigned): string | undefined {
  if (view.name !== 'curl' && view.name !== 'wget') return undefined;
  const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  // The release's URL, written out or held by a variable (`wget -O $KIND_BIN ${KIND_URL}`).
  const ofKind = words.some((w) => {
    if (KIND_DOWNLOAD.test(w)) return true;
    const m = SHELL_VARIABLE.exec(w);
    return m !== null && (assigned.values.get((m[1] ?? m[2])!) ?? []).some((v) => KIND_DOWNLOAD.test(v));
  });
  if (!ofKind) return undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const long = /^--output(?:-document)?=(.+)$/.exec(w);
    const target = long
      ? long[1]
      : /^--output(?:-document)?$/.test(w) || /^-[A-Za-z]*[oO]$/.test(w)
        ? words[i + 1]
        : undefined;
    const m = target === undefined ? undefined : SHELL_VARIABLE.exec(target);
    if (m) return (m[1] ?? m[2])!;
  }
  return undefined;
}

/** A repository script a path names, from the file `from` (its folder, or the repository's top). */
function resolveScript(scripts: ReadonlySet<string>, from: string, written: string): string | undefined {
  // `${ROOT_DIR}/hack/conf.sh`: a variable naming the repository's (or the script's) folder.
  const rest = written.replace(/^\$(?:\{\w+\}|\(\w+\)|\w+)\//, '').replace(/^(?:\.\/)+/, '');
  if (rest.startsWith('/') || rest.includes('$')) return undefined;
  const folder = path.posix.dirname(from);
  const candidates = [path.posix.normalize(path.posix.join(folder, rest)), path.posix.normalize(rest)];
  return candidates.find((c) => scripts.has(c));
}

/** The shell scripts of the repository (the glob is an input of the rule that asks). */
function repositoryScripts(workspace: Workspace): ReadonlySet<string> {
  return workspace.memo('k8s-kind-scripts', '', () => new Set(workspace.glob(['**/*.sh', '**/*.bash'])));
}

/** What a shell script assigns, with the files it sources (`. conf.sh`, `source "${ROOT}/conf.sh"`). */
function shellAssigned(workspace: Workspace, file: string, text: string, depth: number): Assigned {
  const assigned: Assigned = { values: new Map(), downloaded: new Set() };
  const views = scriptCommands(text);
  for (const view of views) {
    const c = view.command;
    const words =
      c.words.length === 0
        ? c.assignments
        : DECLARING.has(view.name)
          ? c.words.slice(view.nameIndex + 1)
          : [];
    for (const w of words) {
      const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(w.value);
      if (m) add(assigned, m[1]!, m[2]!);
    }
    // `KIND=x cmd` sets it for that command only: still a value it may have.
    if (c.words.length > 0)
      for (const a of c.assignments) {
        const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(a.value);
        if (m) add(assigned, m[1]!, m[2]!);
      }
    if ((view.name === '.' || view.name === 'source') && depth < MAX_DEPTH) {
      const written = c.words[view.nameIndex + 1]?.value;
      const sourced = written && resolveScript(repositoryScripts(workspace), file, written);
      const sourcedText = sourced ? workspace.text(sourced) : undefined;
      if (sourced && sourcedText !== undefined) {
        const inner = shellAssigned(workspace, sourced, sourcedText, depth + 1);
        for (const [name, values] of inner.values) for (const v of values) add(assigned, name, v);
        for (const name of inner.downloaded) assigned.downloaded.add(name);
      }
    }
  }
  for (const view of views) {
    const target = downloadTarget(view, assigned);
    if (target !== undefined) assigned.downloaded.add(target);
  }
  return assigned;
}

/** What a Makefile assigns outside its recipes (make variables). */
function makeAssigned(text: string): Assigned {
  const assigned: Assigned = { values: new Map(), downloaded: new Set() };
  for (const m of text.matchAll(MAKE_ASSIGNMENT)) {
    // `+=` appends: the value is no longer the path alone.
    add(assigned, m[1]!, m[2] === '+=' ? '+' : m[3]!);
  }
  return assigned;
}

function isKind(assigned: Assigned, name: string): boolean {
  if (assigned.downloaded.has(name)) return true;
  const values = assigned.values.get(name);
  return values !== undefined && values.length > 0 && values.every(holdsKind);
}

/** How a unit of a file (a script, or a Makefile rule) runs kind and the repository's scripts. */
export interface KindNames {
  /** Whether a command's name (as written) is the kind binary: `kind`, or a variable that holds it. */
  isKind(view: CommandView): boolean;
  /** The repository script a command runs (`hack/up.sh`, `bash ./up.sh`), when it names one. */
  script(view: CommandView): string | undefined;
  /** The text of a script a command runs, with its names; undefined past the depth followed. */
  deeper(script: string): { text: string; names: KindNames } | undefined;
}

/**
 * How a unit of the file `file` (a shell script, whole; or with `makefile`, a rule of the Makefile
 * `text`) names kind and the scripts it runs; `depth` counts the scripts followed to reach it.
 */
export function kindNames(
  workspace: Workspace,
  file: string,
  text: string,
  unit: string,
  makefile: boolean,
  depth = 0,
): KindNames {
  let shell: Assigned | undefined;
  let make: Assigned | undefined;
  return {
    isKind(view) {
      if (view.name === 'kind') return true;
      const word = view.command.words[view.nameIndex]?.value ?? '';
      const variable = variableName(word, makefile);
      if (!variable) return false;
      if (variable.make) {
        make ??= makeAssigned(text);
        return isKind(make, variable.name);
      }
      // A recipe's shell variables are those its own commands set.
      shell ??= shellAssigned(workspace, file, unit, depth);
      return isKind(shell, variable.name);
    },
    script(view) {
      const words = view.command.words.slice(view.nameIndex).map((w) => w.value);
      const written = SHELLS.has(view.name) ? words.slice(1).find((w) => !w.startsWith('-')) : words[0];
      if (written === undefined || !/\.(?:sh|bash)$/.test(written)) return undefined;
      return resolveScript(repositoryScripts(workspace), file, written);
    },
    deeper(script) {
      if (depth >= MAX_DEPTH) return undefined;
      const scriptText = workspace.text(script);
      if (scriptText === undefined) return undefined;
      return {
        text: scriptText,
        names: kindNames(workspace, script, scriptText, scriptText, false, depth + 1),
      };
    },
  };
}
