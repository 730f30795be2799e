import path from 'node:path/posix';
import type { CommandView } from '../../parsers/shell-commands.js';
import type { EcosystemName } from './ecosystems.js';

/**
 * The commands that update an ecosystem's dependencies, by program, and what each updates relative
 * to the directory it runs in (see update-commands.ts for the directory). Only whole updates count:
 * a rehearsal (`--dry-run`), a check (`ncu` without `-u`, `pip-compile` without `--upgrade`,
 * `uv lock --check`; `npm outdated` and `go list -u` are no update at all) updates nothing, and a
 * command that names the packages it updates (`npm update lodash`, `cargo update -p serde`,
 * `go get -u golang.org/x/net`) updates those only, not the manifest.
 */

/**
 * What an update command updates, from its directory: `module` the Go module that holds it (the
 * nearest go.mod at or above; `./...` stops at nested modules), `package` its manifest and, for npm
 * and Cargo, the workspace it is the root of, `tree` every manifest under it (`pnpm -r`, `ncu --deep`).
 */
export type UpdateReach = 'module' | 'package' | 'tree';

/** What one recognised command updates, relative to its directory. */
export interface Recognised {
  ecosystem: EcosystemName;
  reach: UpdateReach;
  /** The directory it is told to work in (`go -C dir`, `--prefix dir`), from its own. */
  dir?: string;
  /** The directories of the files it is given (`pip-compile a/dev.in`), from `dir`; else `dir`. */
  files?: string[];
  /** The manifests it updates, by file name, when not every manifest of its ecosystem. */
  names?: RegExp;
}

/** Options that take a value (as the next word), per program; others are flags or `--name=value`. */
const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  go: ['-C', '-modfile'],
  npm: ['--prefix', '-w', '--workspace'],
  ncu: [
    '--packageFile',
    '--cwd',
    '-f',
    '--filter',
    '-x',
    '--reject',
    '-t',
    '--target',
    '-p',
    '--packageManager',
  ],
  yarn: ['--cwd'],
  pnpm: ['-C', '--dir', '--filter', '-F'],
  cargo: ['--manifest-path', '-p', '--package', '--precise', '-Z'],
  bundle: ['--gemfile', '--group', '-g', '--source'],
  composer: ['-d', '--working-dir'],
  'pip-compile': ['-o', '--output-file', '-P', '--upgrade-package', '-c', '--constraint', '--extra'],
  uv: ['--directory', '--project', '-P', '--upgrade-package', '-o', '--output-file', '-p', '--python'],
  poetry: ['-C', '--directory', '-P', '--project'],
  pdm: ['-p', '--project', '-G', '--group'],
  pipenv: [],
  dart: ['-C', '--directory'],
  swift: ['--package-path'],
  flutter: ['-C', '--directory'],
};

interface Args {
  options: Map<string, string | true>;
  positional: string[];
}

/** Splits the words after a program into options and positional words. */
function parseArgs(words: readonly string[], program: string): Args {
  const takesValue = new Set(VALUE_OPTIONS[program] ?? []);
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      positional.push(...words.slice(i + 1));
      break;
    }
    if (!w.startsWith('-') || w === '-') {
      positional.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    if (eq > 0) options.set(w.slice(0, eq), w.slice(eq + 1));
    else if (takesValue.has(w) && i + 1 < words.length) options.set(w, words[++i]!);
    else options.set(w, true);
  }
  return { options, positional };
}

const has = (a: Args, ...names: string[]) => names.some((n) => a.options.has(n));
const option = (a: Args, ...names: string[]) => {
  for (const n of names) {
    const v = a.options.get(n);
    if (typeof v === 'string') return v;
  }
  return undefined;
};
/** A rehearsal: `--dry-run` (not `--dry-run=false`). */
const dryRun = (a: Args) => a.options.has('--dry-run') && a.options.get('--dry-run') !== 'false';
/** Positional words that name packages (a glob such as `'*'` stands for all of them). */
const namesPackages = (words: readonly string[]) => words.some((w) => !w.includes('*'));

const PYPROJECT = /^pyproject\.toml$/;
/** What pip-compile and `uv pip compile` read and write (requirements files, setup.py, pyproject.toml). */
const COMPILED = /^requirements.*\.(?:txt|in)$|^setup\.(?:py|cfg)$|^pyproject\.toml$/;

/**
 * `dart pub upgrade` and `flutter pub upgrade` (`--major-versions` too): the package of the directory
 * (`-C dir`, `--directory dir`); naming packages updates those only.
 */
function pubUpgrade(program: 'dart' | 'flutter') {
  return (words: readonly string[]): Recognised | undefined => {
    const a = parseArgs(words, program);
    const [sub, verb, ...packages] = a.positional;
    if (sub !== 'pub' || verb !== 'upgrade' || dryRun(a) || namesPackages(packages)) return undefined;
    const dir = option(a, '-C', '--directory');
    return { ecosystem: 'pub', reach: 'package', ...(dir ? { dir } : {}) };
  };
}

/** Each program's update subcommands: given the words after the program, what they update. */
const PROGRAMS: Record<string, (words: readonly string[]) => Recognised | undefined> = {
  go(words) {
    // `go [-C dir] get -u[=patch] [packages]`: the module of the directory; named modules only part of it.
    let sub = 0;
    while (sub < words.length && words[sub]!.startsWith('-')) sub += words[sub] === '-C' ? 2 : 1;
    if (words[sub] !== 'get') return undefined;
    const a = parseArgs(words.slice(sub + 1), 'go');
    if (!has(a, '-u')) return undefined;
    const whole = a.positional.length === 0 || a.positional.some((p) => /^(?:\.|all$|tool$)|\$/.test(p));
    const dir = option(parseArgs(words.slice(0, sub), 'go'), '-C');
    return whole ? { ecosystem: 'gomod', reach: 'module', ...(dir ? { dir } : {}) } : undefined;
  },
  npm(words) {
    const a = parseArgs(words, 'npm');
    if (!['update', 'up', 'upgrade'].includes(a.positional[0] ?? '')) return undefined;
    // `-w name` updates that workspace only.
    if (dryRun(a) || has(a, '--no-save', '-w', '--workspace') || namesPackages(a.positional.slice(1)))
      return undefined;
    const dir = option(a, '--prefix');
    return { ecosystem: 'npm', reach: 'package', ...(dir ? { dir } : {}) };
  },
  ncu(words) {
    const a = parseArgs(words, 'ncu');
    if (!has(a, '-u', '--upgrade') || namesPackages(a.positional) || has(a, '--filter', '-f'))
      return undefined;
    const dir = option(a, '--cwd');
    const tree = has(a, '--deep', '-ws', '--workspaces');
    return { ecosystem: 'npm', reach: tree ? 'tree' : 'package', ...(dir ? { dir } : {}) };
  },
  yarn(words) {
    const a = parseArgs(words, 'yarn');
    const [sub, ...rest] = a.positional;
    if (sub !== 'upgrade' && sub !== 'up') return undefined;
    if (dryRun(a) || namesPackages(rest)) return undefined;
    const dir = option(a, '--cwd');
    return { ecosystem: 'npm', reach: 'package', ...(dir ? { dir } : {}) };
  },
  pnpm(words) {
    const a = parseArgs(words, 'pnpm');
    const [sub, ...rest] = a.positional;
    if (!['update', 'up', 'upgrade'].includes(sub ?? '')) return undefined;
    if (dryRun(a) || namesPackages(rest) || has(a, '--filter', '-F')) return undefined;
    const dir = option(a, '-C', '--dir');
    const tree = has(a, '-r', '--recursive');
    return { ecosystem: 'npm', reach: tree ? 'tree' : 'package', ...(dir ? { dir } : {}) };
  },
  cargo(words) {
    const a = parseArgs(words, 'cargo');
    const [sub] = a.positional;
    if (sub !== 'update' && sub !== 'upgrade') return undefined;
    if (dryRun(a) || has(a, '-p', '--package', '--precise', '-w', '--workspace', '--locked', '--frozen'))
      return undefined;
    if (namesPackages(a.positional.slice(1))) return undefined;
    const manifest = option(a, '--manifest-path');
    return { ecosystem: 'cargo', reach: 'package', ...(manifest ? { dir: path.dirname(manifest) } : {}) };
  },
  bundle(words) {
    const a = parseArgs(words, 'bundle');
    const [sub, ...gems] = a.positional;
    if (sub !== 'update' || (gems.length > 0 && !has(a, '--all'))) return undefined;
    const gemfile = option(a, '--gemfile');
    return { ecosystem: 'bundler', reach: 'package', ...(gemfile ? { dir: path.dirname(gemfile) } : {}) };
  },
  dart: pubUpgrade('dart'),
  swift(words) {
    // `swift package update [--package-path dir]`: the package's dependencies; naming some, those only.
    const a = parseArgs(words, 'swift');
    const [sub, verb, ...packages] = a.positional;
    if (sub !== 'package' || verb !== 'update' || dryRun(a) || namesPackages(packages)) return undefined;
    const dir = option(a, '--package-path');
    return { ecosystem: 'swift', reach: 'package', ...(dir ? { dir } : {}) };
  },
  flutter: pubUpgrade('flutter'),
  composer(words) {
    const a = parseArgs(words, 'composer');
    const [sub, ...packages] = a.positional;
    if (sub !== 'update' && sub !== 'upgrade' && sub !== 'u') return undefined;
    if (dryRun(a) || has(a, '--lock') || namesPackages(packages)) return undefined;
    const dir = option(a, '-d', '--working-dir');
    return { ecosystem: 'composer', reach: 'package', ...(dir ? { dir } : {}) };
  },
  'pip-compile'(words) {
    const a = parseArgs(words, 'pip-compile');
    if (!has(a, '-U', '--upgrade') || dryRun(a)) return undefined;
    // It writes its output file (`-o dir/requirements.txt`), beside or away from its inputs.
    const output = option(a, '-o', '--output-file');
    const inputs = a.positional.length > 0 ? a.positional.map((f) => path.dirname(f)) : undefined;
    const files = output ? [...(inputs ?? ['.']), path.dirname(output)] : inputs;
    return { ecosystem: 'pip', reach: 'package', names: COMPILED, ...(files ? { files } : {}) };
  },
  uv(words) {
    const a = parseArgs(words, 'uv');
    const [sub, sub2, ...rest] = a.positional;
    if (!has(a, '-U', '--upgrade') || dryRun(a) || has(a, '--check', '--locked', '--frozen'))
      return undefined;
    const dir = option(a, '--directory', '--project');
    const at = dir ? { dir } : {};
    if (sub === 'lock' || sub === 'sync')
      return { ecosystem: 'pip', reach: 'package', names: PYPROJECT, ...at };
    if (sub !== 'pip' || sub2 !== 'compile') return undefined;
    const files = rest.length > 0 ? rest.map((f) => path.dirname(f)) : undefined;
    return { ecosystem: 'pip', reach: 'package', names: COMPILED, ...at, ...(files ? { files } : {}) };
  },
  poetry(words) {
    const a = parseArgs(words, 'poetry');
    const [sub, ...packages] = a.positional;
    if (sub !== 'update' || dryRun(a) || namesPackages(packages)) return undefined;
    const dir = option(a, '-C', '--directory', '-P', '--project');
    return { ecosystem: 'pip', reach: 'package', names: PYPROJECT, ...(dir ? { dir } : {}) };
  },
  pdm(words) {
    const a = parseArgs(words, 'pdm');
    const [sub, ...packages] = a.positional;
    if (sub !== 'update' || dryRun(a) || namesPackages(packages)) return undefined;
    const dir = option(a, '-p', '--project');
    return { ecosystem: 'pip', reach: 'package', names: PYPROJECT, ...(dir ? { dir } : {}) };
  },
  pipenv(words) {
    const a = parseArgs(words, 'pipenv');
    const [sub, ...packages] = a.positional;
    if ((sub !== 'update' && sub !== 'upgrade') || has(a, '--dry-run', '--outdated')) return undefined;
    return namesPackages(packages) ? undefined : { ecosystem: 'pip', reach: 'package', names: /^Pipfile$/ };
  },
};
PROGRAMS['npm-check-updates'] = PROGRAMS.ncu!;

/** Programs that run a package's binary (`npx -y npm-check-updates -u`, `pnpm dlx ncu -u`). */
const RUNNERS = new Set(['npx', 'pnpx', 'bunx']);

/** The program a command runs and the words after it, through a package runner or `python -m piptools`. */
function programOf(view: CommandView): { name: string; words: string[] } {
  const rest = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  if (view.name === 'piptools' && rest[0] === 'compile') return { name: 'pip-compile', words: rest.slice(1) };
  const dlx = (view.name === 'pnpm' || view.name === 'yarn') && rest[0] === 'dlx';
  if (!RUNNERS.has(view.name) && !dlx) return { name: view.name, words: rest };
  const args = dlx ? rest.slice(1) : rest;
  const k = args.findIndex((w) => !w.startsWith('-'));
  if (k === -1) return { name: '', words: [] };
  // `npm-check-updates@17` is the package at a version.
  return { name: args[k]!.replace(/(?<=.)@.*$/, ''), words: args.slice(k + 1) };
}

/** What a command updates, if it is a whole update of an ecosystem's dependencies. */
export function recognise(view: CommandView): Recognised | undefined {
  const { name, words } = programOf(view);
  return Object.hasOwn(PROGRAMS, name) ? PROGRAMS[name]!(words) : undefined;
}
