/**
 * Loads the policy of a run: `.controlgate.yml`, the declarations (with their exceptions) and the
 * custom rule directories. With a base commit they are read from it, through git objects, so the
 * change under review cannot weaken the policy it is judged by; the head's copy is read too, to
 * report what the change would alter. Without a readable base commit the head's copy is used, with
 * a warning that says why and how to fix it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Config, readConfig } from '../config.js';
import { DEFAULT_CONTROLS_FILE, type Declarations } from '../declarations/model.js';
import { documentLocator, parseDeclarations } from '../declarations/parse.js';
import { GitRepository } from '../git.js';
import type { TreeRuleDir } from '../rules/load.js';
import { type Logger, UsageError } from '../types.js';
import { parseYaml, type YamlDocument } from '../workspace/yaml.js';
import { fsTree, gitTree, type TreeReader } from './tree.js';

/** Declarations files larger than this are refused (34 controls and their exceptions are a few KiB). */
export const MAX_DECLARATIONS_BYTES = 512 * 1024;

export interface PolicyOptions {
  /** Absolute root of the checked tree. */
  root: string;
  configPath?: string;
  /** The declarations file, relative to the root (or absolute); overrides the config's `controls`. */
  controlsPath?: string;
  /** Extra rule directories given by the caller (absolute, or relative to the current directory). */
  ruleDirs?: string[];
  /** A named declarations file may be absent (see `CheckOptions.controlsMayBeMissing`). */
  controlsMayBeMissing?: boolean;
  /** A commit-ish to read the policy from (the pull request's base). */
  base?: string;
  /**
   * Reads the base commit when the local repository does not have it (e.g. through the GitHub API,
   * for a shallow checkout). Tried after git objects; when both fail, the head's policy is used.
   */
  baseTree?: (commit: string) => TreeReader | undefined;
  logger: Logger;
}

/** The policy as one tree holds it. */
export interface PolicySnapshot {
  tree: TreeReader;
  config: Config;
  /** The parsed config file, for locating settings; undefined for defaults. */
  configDocument?: YamlDocument;
  controlsFile: string;
  /** Null when the tree has no declarations file. */
  declarations: Declarations | null;
  ruleDirs: (string | TreeRuleDir)[];
  /** Custom rule files inside the repository: path -> content hash, to report removed or edited rules. */
  ruleFiles: Map<string, string>;
  /**
   * Set when the checked folder has no declarations of its own and they were read from a folder above
   * it in the same repository (a monorepo's top): that folder, absolute. The declarations' evidence
   * paths are relative to it; {@link controlsFile} names the file from the checked folder (`../../.github/controls.yml`).
   */
  declarationsRoot?: string;
}

export interface Policy {
  source: 'base' | 'head';
  /** The base commit read, or null. */
  base: string | null;
  /** The policy in force. */
  active: PolicySnapshot;
  /** The head's own policy (the same object as `active` without a base). */
  head: PolicySnapshot;
  warnings: string[];
  /**
   * Set when a base commit was given but could not be read: the head's policy, which the change can
   * modify, is all there is, so the gate fails with this reason (fail closed).
   */
  failClosed?: string;
}

/** Loads the policy in force and, with a base commit, the head's version beside it. */
export function loadPolicy(options: PolicyOptions): Policy {
  const headTree = fsTree(options.root);
  const head = snapshot(headTree, options, true);
  if (!options.base) return { source: 'head', base: null, active: head, head, warnings: [] };

  const repo = GitRepository.open(options.root);
  const commit = repo?.resolveCommit(options.base);
  let tree: TreeReader | undefined = repo && commit ? gitTree(repo, commit) : undefined;
  let why = !repo ? 'the directory is not in a git repository' : 'the commit is not in the local repository';
  if (!tree && options.baseTree) {
    tree = options.baseTree(options.base);
    if (!tree) why += ', and the fallback reader could not read it either';
  }
  if (!tree) {
    const warning = `The policy could not be read from the base commit ${options.base} (${why}), so the gate fails: the change's own policy is all there is, and it can modify it. Fetch the base commit (actions/checkout with fetch-depth: 0), or give the Action a token that can read the repository's contents.`;
    options.logger.warning(warning);
    return {
      source: 'head',
      base: null,
      active: head,
      head,
      warnings: [warning],
      failClosed: `the policy could not be read from the base commit ${options.base.slice(0, 12)}`,
    };
  }
  let active: PolicySnapshot;
  try {
    active = snapshot(tree, options, false);
  } catch (err) {
    // The base's policy is what the change is judged by: its problems are the base branch's to fix.
    if (err instanceof UsageError) {
      throw new UsageError(
        `the policy from the ${tree.label}, which this change is judged by, is invalid: ${err.message}`,
      );
    }
    throw err;
  }
  if (active.declarations && head.declarations?.document) {
    relocate(active.declarations, head.declarations);
  }
  options.logger.info(`policy read from ${tree.label}`);
  return { source: 'base', base: commit ?? options.base, active, head, warnings: [] };
}

function snapshot(tree: TreeReader, options: PolicyOptions, isHead: boolean): PolicySnapshot {
  const { root } = options;
  const configPath = options.configPath;
  const outside = configPath !== undefined && path.isAbsolute(configPath);
  const config = outside
    ? readConfig(fsTree(path.dirname(configPath)), path.basename(configPath), {
        required: true,
        display: configPath,
      })
    : readConfig(tree, configPath, { required: isHead });
  let configDocument: YamlDocument | undefined;
  if (config.file && !outside) {
    const file = tree.read(config.file);
    const parsed = file.kind === 'text' ? parseYaml(file.text) : undefined;
    if (parsed?.ok) configDocument = parsed.documents[0];
  }

  const controlsFile = (options.controlsPath ?? config.controls ?? DEFAULT_CONTROLS_FILE).replace(
    /^\.\//,
    '',
  );
  let declarations = readDeclarations(tree, root, controlsFile);
  let declarationsRoot: string | undefined;
  let shownFile = controlsFile;
  // A folder of a repository checked on its own (a monorepo's package) has no declarations of its
  // own: the repository's, in the nearest folder above it up to the top, are the SoA it is part of.
  if (declarations === null && options.controlsPath === undefined && config.controls === undefined) {
    const above = declarationsAbove(root, tree, isHead);
    if (above) {
      declarations = above.declarations;
      declarationsRoot = above.dir;
      shownFile = above.file;
      if (isHead)
        options.logger.info(`declarations read from ${above.file}: the checked folder has none of its own`);
    }
  }
  // A declarations file named explicitly must exist: read as "nothing declared", gaps would stop
  // failing the gate. (A base commit that predates it is fine: the change adds it.)
  if (
    declarations === null &&
    isHead &&
    !options.controlsMayBeMissing &&
    (options.controlsPath ?? config.controls)
  ) {
    const named = options.controlsPath
      ? 'the `controls` input or --controls'
      : `\`controls\` in ${config.file}`;
    throw new UsageError(`declarations file not found: ${controlsFile} (named by ${named})`);
  }

  const ruleDirs: (string | TreeRuleDir)[] = [];
  const inRepo: string[] = [];
  for (const d of [
    ...config.ruleDirs.map((x) => path.resolve(root, x)),
    ...(options.ruleDirs ?? []).map((x) => path.resolve(x)),
  ]) {
    const rel = path.relative(root, d).split(path.sep).join('/');
    const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    // The working tree must have every rule directory asked for; a base commit may predate one.
    if (isHead && !isDirectory(d)) {
      throw new UsageError(
        `rule directory not found: ${d} (check "rule-dirs" in .controlgate.yml or --rules)`,
      );
    }
    if (inside) inRepo.push(rel);
    ruleDirs.push(inside && !isHead ? { dir: rel, tree } : d);
  }
  const ruleFiles = new Map<string, string>();
  for (const dir of inRepo) {
    for (const f of tree.list(dir)) {
      if (!/\.ya?ml$/.test(f)) continue;
      const file = tree.read(f);
      if (file.kind === 'text') ruleFiles.set(f, createHash('sha256').update(file.text).digest('hex'));
    }
  }
  const out: PolicySnapshot = {
    tree,
    config,
    controlsFile: shownFile,
    declarations,
    ruleDirs,
    ruleFiles,
    ...(declarationsRoot ? { declarationsRoot } : {}),
  };
  if (configDocument) out.configDocument = configDocument;
  return out;
}

/**
 * The declarations of the nearest folder above `root` in its git repository, up to the top, that has
 * `.github/controls.yml` (the working tree's, or with a base commit the same file in that commit);
 * undefined at the top, outside a repository, or for a folder with a `.github/` of its own (laid out
 * as a repository of its own, like `repositoryFiles`). Never read past the top of the work tree.
 */
function declarationsAbove(
  root: string,
  tree: TreeReader,
  isHead: boolean,
): { declarations: Declarations; dir: string; file: string } | undefined {
  if (isDirectory(path.join(root, '.github'))) return undefined;
  const repo = GitRepository.open(root);
  const parts = repo?.prefix.split('/').filter(Boolean) ?? [];
  for (let up = 1; up <= parts.length; up++) {
    const dir = path.resolve(root, ...Array<string>(up).fill('..'));
    const file = `${'../'.repeat(up)}${DEFAULT_CONTROLS_FILE}`;
    // The base commit's file at the same place: read through the repository at that folder.
    const at: TreeReader | undefined = isHead ? fsTree(dir) : baseTreeAt(tree, dir);
    if (!at) return undefined;
    const read = at.read(DEFAULT_CONTROLS_FILE, MAX_DECLARATIONS_BYTES);
    if (read.kind === 'missing') continue;
    const declarations = readDeclarations(at, dir, DEFAULT_CONTROLS_FILE)!;
    return { declarations: relabel(declarations, file), dir, file };
  }
  return undefined;
}

/** The base commit's tree seen from another folder of the same repository. */
function baseTreeAt(tree: TreeReader, dir: string): TreeReader | undefined {
  const commit = /^base commit ([0-9a-f]+)$/.exec(tree.label)?.[1];
  const repo = GitRepository.open(dir);
  const full = commit ? repo?.resolveCommit(commit) : undefined;
  return repo && full ? gitTree(repo, full) : undefined;
}

/** Declarations read at their own folder, named (and located) from the checked folder. */
function relabel(d: Declarations, file: string): Declarations {
  const from = d.file;
  d.file = file;
  const moved = (p: string) => (p === from ? file : p);
  const locate = d.locate;
  d.locate = (pointer, ...rest) => {
    const at = locate(pointer, ...rest);
    return { ...at, path: moved(at.path) };
  };
  for (const c of d.controls.values())
    if (c.location) c.location = { ...c.location, path: moved(c.location.path) };
  for (const e of d.exceptions) if (e.location) e.location = { ...e.location, path: moved(e.location.path) };
  for (const p of d.problems) if (p.location) p.location = { ...p.location, path: moved(p.location.path) };
  return d;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function readDeclarations(tree: TreeReader, root: string, file: string): Declarations | null {
  if (path.isAbsolute(file)) {
    // A declarations file outside the tree is the caller's (a shared SoA): read where it is.
    let text: string;
    try {
      if (statSync(file).size > MAX_DECLARATIONS_BYTES)
        throw new UsageError(`declarations file is larger than ${MAX_DECLARATIONS_BYTES} bytes: ${file}`);
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`declarations file not found: ${file}`);
    }
    return parseDeclarations(text, path.relative(root, file).split(path.sep).join('/'));
  }
  const read = tree.read(file, MAX_DECLARATIONS_BYTES);
  if (read.kind === 'missing') return null;
  if (read.kind === 'text') return parseDeclarations(read.text, file);
  const why =
    read.kind === 'too-large'
      ? `it is larger than ${MAX_DECLARATIONS_BYTES} bytes`
      : 'it is not a regular file';
  const unreadable = parseDeclarations('version: 1\n', file);
  unreadable.unreadable = why;
  unreadable.problems.push({
    kind: 'declarations-file',
    message: `${file}: cannot be read: ${why}`,
    location: { path: file, startLine: 1 },
    key: 'unreadable',
  });
  return unreadable;
}

/**
 * Points the base declarations' locations into the head's file: the pull request shows the head's
 * lines, and a finding on a base line number would land on the wrong line.
 */
function relocate(base: Declarations, head: Declarations): void {
  const locate = documentLocator(head.document!, head.file);
  base.locate = locate;
  for (const c of base.controls.values()) c.location = locate(c.pointer, true);
  // Exceptions are matched by id: the head may have inserted or reordered them.
  const headPointers = new Map(head.exceptions.map((e) => [e.id, e.pointer]));
  for (const e of base.exceptions) {
    e.pointer = headPointers.get(e.id) ?? '/exceptions';
    const at = locate(e.pointer);
    e.location = { path: at.path, startLine: at.startLine };
  }
}
