import type { Workspace } from '../../workspace/workspace.js';
import { pointer } from '../../workspace/yaml.js';
import { readJson } from '../repo/manifests.js';

/**
 * Git dependencies in package manifests, with the ref they follow. Each reader is line-based or uses
 * the YAML/JSON position index, so a finding is reported on the dependency's own line.
 */

/** A dependency fetched from a git repository. */
export interface GitDependency {
  name: string;
  /** Repository URL with any user information removed (it may hold a token). */
  url: string;
  line: number;
  column?: number;
  /** How the ref is given: `branch`, `tag` or `rev` key, a URL suffix (`#ref`, `@ref`), or none. */
  refKey: 'branch' | 'tag' | 'rev' | 'suffix' | 'none';
  ref?: string;
  /** The ref is an expression (`branch: ENV["RAILS_BRANCH"]`), not a literal: `ref` holds its text. */
  computed?: boolean;
  /**
   * The condition, read from the environment, under which the manifest takes the dependency from git
   * at all (a Gemfile's `... if ENV["RACK"] == "head"`, or an `if ENV[...]` block around it): an
   * install that does not set the variable takes the registry's release.
   */
  onlyWhen?: string;
}

/** What a ref points at. */
export type RefKind = 'commit' | 'tag' | 'branch' | 'default-branch';

/**
 * A version range given as the ref (`#~0.8.3`, `#^1.2`, `#>=1.0.0 <2`), which Yarn (and npm after
 * `semver:`) resolves against the repository's version tags. Only a range that no branch can be
 * named counts: git forbids `~`, `^` and spaces in ref names (a branch may be named `>=1.0`).
 */
const SEMVER_RANGE =
  /^(?:[~^]|[<>]=?[ \t]*)v?\d+(?:\.(?:\d+|[xX*])){0,2}(?:-[0-9A-Za-z.-]+)?(?:[ \t]+(?:[<>]=?|\|\|)[ \t]*v?\d+(?:\.(?:\d+|[xX*])){0,2})*$/;

/** Judges a ref: commits and tags (versions) are fixed enough, anything else follows a branch. */
export function judgeRef(dep: Pick<GitDependency, 'refKey' | 'ref'>): RefKind {
  const ref = dep.ref?.trim() ?? '';
  if (dep.refKey === 'none' || ref === '') return 'default-branch';
  if (dep.refKey === 'branch') return 'branch';
  if (dep.refKey === 'tag') return 'tag';
  if (/^[0-9a-f]{7,40}$/i.test(ref)) return 'commit';
  if (/^semver:|^(?:refs\/tags\/)?v?\d+(?:\.\d+){0,3}(?:[-+][0-9A-Za-z.-]+)?$/.test(ref)) return 'tag';
  if (SEMVER_RANGE.test(ref) && /^[~^]|\s/.test(ref)) return 'tag';
  return 'branch';
}

/** Removes `user:password@` from a URL: a dependency URL may embed a token. */
export function stripUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}

const NPM_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const NPM_GIT =
  /^(?:git\+[a-z]+:\/\/|git:\/\/|git@|(?:github|gitlab|bitbucket|gist):|https?:\/\/\S+\.git(?:#|$))/i;
/** `owner/repo` or `owner/repo#ref`: npm's GitHub shorthand. */
const NPM_SHORTHAND = /^[A-Za-z0-9][\w.-]*\/[\w.-]+(?:#.*)?$/;

/** package.json dependencies given as git URLs or GitHub shorthands. */
export function npmGitDependencies(ws: Workspace, file: string): GitDependency[] {
  const pkg = readJson(ws, file);
  if (!pkg) return [];
  const doc = ws.yaml(file);
  const out: GitDependency[] = [];
  for (const field of NPM_FIELDS) {
    const deps = pkg[field];
    if (!deps || typeof deps !== 'object') continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof spec !== 'string' || !(NPM_GIT.test(spec) || NPM_SHORTHAND.test(spec))) continue;
      const hash = spec.indexOf('#');
      const span = doc?.ok ? doc.documents[0]?.span(pointer(field, name)) : undefined;
      out.push({
        name,
        url: stripUserInfo(hash === -1 ? spec : spec.slice(0, hash)),
        line: span?.start.line ?? 1,
        ...(span ? { column: span.start.column } : {}),
        refKey: hash === -1 ? 'none' : 'suffix',
        ...(hash === -1 ? {} : { ref: spec.slice(hash + 1) }),
      });
    }
  }
  return out;
}

/** composer.json requirements on a branch (`dev-main`), unless pinned with `#<commit>`. */
export function composerBranchDependencies(ws: Workspace, file: string): GitDependency[] {
  const manifest = readJson(ws, file);
  if (!manifest) return [];
  const doc = ws.yaml(file);
  const out: GitDependency[] = [];
  for (const field of ['require', 'require-dev']) {
    const deps = manifest[field];
    if (!deps || typeof deps !== 'object') continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof spec !== 'string') continue;
      const m = /^dev-([^#\s]+)(?:#([0-9a-f]{7,40}))?$/i.exec(spec.trim());
      if (!m || m[2]) continue;
      const span = doc?.ok ? doc.documents[0]?.span(pointer(field, name)) : undefined;
      out.push({ name, url: name, line: span?.start.line ?? 1, refKey: 'branch', ref: m[1]! });
    }
  }
  return out;
}

/** `git+https://...@ref#egg=name` and `name @ git+https://...@ref` in pip requirement files. */
export function pipGitDependencies(text: string): GitDependency[] {
  const out: GitDependency[] = [];
  eachLine(text, (line, lineNo) => {
    if (/^\s*#/.test(line)) return;
    const m = /(?:^|[\s@=])(git\+[a-z]+:\/\/[^\s#;]{1,2000})(?:#(\S{0,500}))?/i.exec(line);
    if (!m) return;
    const url = m[1]!;
    const tail = url.slice(url.lastIndexOf('/') + 1);
    const at = tail.lastIndexOf('@');
    const egg = /(?:^|&)egg=([^&\s]+)/.exec(m[2] ?? '')?.[1];
    const named = /^\s*([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*@/.exec(line)?.[1];
    out.push({
      name: named ?? egg ?? tail.replace(/@.*$/, '').replace(/\.git$/, ''),
      url: stripUserInfo(at === -1 ? url : url.slice(0, url.length - tail.length + at)),
      line: lineNo,
      refKey: at === -1 ? 'none' : 'suffix',
      ...(at === -1 ? {} : { ref: tail.slice(at + 1) }),
    });
  });
  return out;
}

/**
 * Git dependencies in TOML manifests (Cargo.toml, pyproject.toml for Poetry and uv, Pipfile): inline
 * tables (`foo = { git = "...", branch = "dev" }`) and dependency tables (`[dependencies.foo]` with a
 * `git` key), with the `branch`, `tag`, `rev` (or Pipfile `ref`) key of the same table.
 */
export function tomlGitDependencies(text: string): GitDependency[] {
  const out: GitDependency[] = [];
  let table: { name: string; keys: Map<string, string>; gitLine: number } | undefined;
  const flush = () => {
    if (table?.keys.has('git')) out.push(fromKeys(table.name, table.keys, table.gitLine));
    table = undefined;
  };
  eachLine(text, (line, lineNo) => {
    const header = /^\s*\[\[?([^\]#]{1,300})\]\]?\s*(?:#.*)?$/.exec(line);
    if (header) {
      flush();
      const parts = header[1]!.trim().split('.');
      table = { name: parts[parts.length - 1]!.replace(/["']/g, ''), keys: new Map(), gitLine: 0 };
      return;
    }
    const inline = /^\s*["']?([\w.-]+)["']?\s*=\s*\{([^}]{0,2000})\}/.exec(line);
    if (inline && /(?:^|[\s,])git\s*=/.test(inline[2]!)) {
      out.push(fromKeys(inline[1]!, tomlKeys(inline[2]!), lineNo));
      return;
    }
    const kv = /^\s*(git|branch|tag|rev|ref)\s*=\s*["']([^"'\n]{0,2000})["']/.exec(line);
    if (kv && table) {
      table.keys.set(kv[1]!, kv[2]!);
      if (kv[1] === 'git') table.gitLine = lineNo;
    }
  });
  flush();
  return out;
}

function tomlKeys(body: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const m of body.matchAll(/(?:^|[\s,])(git|branch|tag|rev|ref)\s*=\s*["']([^"']{0,2000})["']/g)) {
    keys.set(m[1]!, m[2]!);
  }
  return keys;
}

function fromKeys(name: string, keys: Map<string, string>, line: number): GitDependency {
  const key = (['branch', 'tag', 'rev', 'ref'] as const).find((k) => keys.has(k));
  return {
    name,
    url: stripUserInfo(keys.get('git') ?? ''),
    line,
    refKey: key === undefined ? 'none' : key === 'ref' ? 'suffix' : key,
    ...(key === undefined ? {} : { ref: keys.get(key)! }),
  };
}

/** `gem "x", git: "...", branch: "main"`, `github: "o/r"` and `git "url", branch: ... do` blocks. */
export function gemfileGitDependencies(text: string): GitDependency[] {
  const out: GitDependency[] = [];
  const env = new RubyEnvConditions();
  eachLine(text, (line, lineNo) => {
    if (/^\s*#/.test(line)) return;
    const onlyWhen = env.read(line);
    const source =
      /(?:^|[\s,(]):?(git|github)["']?\s*(?::(?!:)|=>)\s*["']([^"'\n]{1,2000})["']/.exec(line) ??
      /^\s*(git|github)\s*\(?\s*["']([^"'\n]{1,2000})["']/.exec(line);
    if (!source) return;
    const name = /^\s*gem\s*\(?\s*["']([^"'\n]{1,200})["']/.exec(line)?.[1] ?? source[2]!;
    const ref = /(?:^|[\s,(]):?(branch|ref|tag)["']?\s*(?::(?!:)|=>)\s*["']([^"'\n]{0,500})["']/.exec(line);
    // `branch: ENV["RAILS_BRANCH"]` gives a ref, only not a literal one: it is no default branch.
    const computed = ref
      ? undefined
      : /(?:^|[\s,(]):?(branch|ref|tag)["']?\s*(?::(?!:)|=>)\s*([A-Za-z_@$][^,#\n]{0,200}?)\s*(?:[,#)]|\bdo\b|$)/.exec(
          line,
        );
    const given = ref ?? computed;
    out.push({
      name,
      url: stripUserInfo(source[1] === 'github' ? `github:${source[2]}` : source[2]!),
      line: lineNo,
      refKey: given ? (given[1] === 'ref' ? 'suffix' : (given[1] as 'branch' | 'tag')) : 'none',
      ...(given ? { ref: given[2]! } : {}),
      ...(computed ? { computed: true } : {}),
      ...(onlyWhen ? { onlyWhen } : {}),
    });
  });
  return out;
}

/**
 * A Ruby line with its string literals blanked to spaces (`"head"` → `"    "`), the same length, so
 * that words in them are not read as code and a column of it is one of the line.
 */
function rubyCode(line: string): string {
  return line.replace(
    /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g,
    (m) => `${m[0]}${' '.repeat(m.length - 2)}${m[0]}`,
  );
}

/**
 * What makes a value of the environment a default rather than an opt-in: a negation, an
 * alternative, a test for absence, or `fetch` with a default (`ENV.fetch("RACK", "head")`).
 */
const NOT_OPT_IN =
  /!|\bnot\b|\|\||\bor\b|\?\s|\b(?:nil|empty|blank|zero)\?|\bfetch\s*\([^)]*,|\bfetch\b[^\n]*\{/;

/**
 * The conditions a Gemfile puts around its lines, read line by line, that make a line an opt-in of
 * the environment: `if` (a modifier or a block) on `ENV[...]`, or on a variable assigned from it
 * earlier in the file, with no negation, alternative or default. A Gemfile that takes a gem from git
 * only when a variable asks for it (`rack = {github: "rack/rack"} if rack == "head"`, where
 * `rack = ENV["RACK"].to_s`; an `if ENV["RAILS_EDGE"]` block) installs the registry's release when
 * the variable is not set: the git source is a CI job's or a developer's choice. `unless`, `else`, a
 * `case`, and a condition on anything else (`RUBY_VERSION`, the platform) are not noted.
 */
class RubyEnvConditions {
  /** Variables that hold a value of the environment (or nil, or a git source chosen by it). */
  private readonly vars = new Set<string>();
  /** The open blocks, innermost last: the opt-in condition of each, if any. */
  private readonly blocks: (string | undefined)[] = [];

  /** Reads one line; returns the opt-in condition that holds for it, if any. */
  read(line: string): string | undefined {
    const code = rubyCode(line).replace(/#.*$/, '');
    const tail = /\sif\s+(.+?)\s*$/.exec(code);
    // A modifier `if` ends a statement: not the `if` that opens a block at the line's start.
    const modifier =
      tail && !/^\s*(?:if|unless|elsif|while|until)\b/.test(code) && !/=\s*(?:if|unless)\b/.test(code)
        ? tail
        : undefined;
    const condition =
      modifier && this.optIn(modifier[1]!)
        ? line.slice(modifier.index + modifier[0].indexOf('if') + 2).trim()
        : undefined;
    const enclosing = this.blocks.findLast((c) => c !== undefined);
    this.track(code, line);
    const assigned = /^\s*([a-z_]\w*)\s*=(?!=)\s*/.exec(code);
    if (assigned) {
      const rhs = code.slice(assigned[0].length, modifier ? modifier.index : undefined).trim();
      const name = assigned[1]!;
      if (this.readsEnv(rhs) && !NOT_OPT_IN.test(rhs) && !/^(?:if|unless|case)\b/.test(rhs))
        this.vars.add(name);
      else if (!(this.vars.has(name) && /^(?:nil$|\{|:?(?:git|github|path)\b)/.test(rhs)))
        this.vars.delete(name);
    }
    return condition ?? enclosing;
  }

  private readsEnv(expression: string): boolean {
    if (/\bENV\b/.test(expression)) return true;
    for (const v of this.vars) if (new RegExp(`(?<![\\w@$.:])${v}(?![\\w?!:])`).test(expression)) return true;
    return false;
  }

  private optIn(condition: string): boolean {
    return this.readsEnv(condition) && !NOT_OPT_IN.test(condition);
  }

  /** Opens and closes blocks as the line does (`code` with its strings blanked, `line` as written). */
  private track(code: string, line: string): void {
    const opened =
      /^\s*(?:[a-z_]\w*\s*=\s*)?(?:(if)\b(.*)|(?:unless|case|while|until|begin|def|class|module)\b)/.exec(
        code,
      );
    if (opened && !/\bend\s*$/.test(code)) {
      const condition =
        opened[1] && this.optIn(opened[2]!) ? line.slice(code.indexOf(opened[2]!)).trim() : undefined;
      this.blocks.push(condition);
      return;
    }
    const branch = /^\s*(elsif\b(.*)|else\b)/.exec(code);
    if (branch && this.blocks.length > 0) {
      // `else` is what an install takes when the variable is not set; `elsif` when an earlier
      // condition fails and its own holds.
      const own =
        branch[2] !== undefined && this.optIn(branch[2])
          ? line.slice(code.indexOf(branch[2])).trim()
          : undefined;
      this.blocks[this.blocks.length - 1] = own;
      return;
    }
    if (/\bdo\s*(?:\|[^|]*\|)?\s*$/.test(code)) {
      this.blocks.push(undefined);
      return;
    }
    if (/^\s*end\b/.test(code)) this.blocks.pop();
  }
}

function eachLine(text: string, visit: (line: string, lineNo: number) => void): void {
  let start = 0;
  for (let lineNo = 1; start <= text.length; lineNo++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    visit(text.slice(start, Math.min(end, start + 20_000)), lineNo);
    start = end + 1;
  }
}
