import { nameEndings, nameKey, pathMatcher } from './glob.js';

/**
 * Screens: named tests of a file's text that tell a family's subjects from the other files its globs
 * match (a Kubernetes manifest among every YAML file). A rule that lists its files through
 * `Workspace.screenedGlob` sees only those that pass, so an edit of a file that passes the screen
 * on neither side cannot change what it finds: the recorded input is the glob with its screen, and a
 * change touches it only through a matching path that passes on the base or on the head, or that is
 * added or deleted (every match is read to be tested, and counts among the files the rule examined;
 * see `touchedBy`). A screen must depend on the path and the text alone.
 */

/** A named test of a file's text. */
export interface Screen {
  readonly name: string;
  /** Globs of paths that never pass, not even read (large files of other kinds). */
  readonly skip: readonly string[];
  /**
   * Whether a file that is not text (a NUL byte, over the size read) is tested on its first bytes,
   * so that one starting like the family's files reaches its rules, which report it unreadable.
   */
  readonly nonText?: boolean;
  test(file: string, text: string): boolean;
}

const screens = new Map<string, Screen>();

/** Defines (once per process, at module load) the screen `name`. */
export function defineScreen(
  name: string,
  test: (file: string, text: string) => boolean,
  skip: readonly string[] = [],
  options: { nonText?: boolean } = {},
): Screen {
  const screen: Screen = { name, skip, test, ...(options.nonText ? { nonText: true } : {}) };
  screens.set(name, screen);
  return screen;
}

/** The screen of that name, or undefined when none is defined (callers then assume it passes). */
export function screenNamed(name: string): Screen | undefined {
  return screens.get(name);
}

/**
 * Selectors: named tests of a path, for a rule that enumerates the tree for some kind of file
 * (manifests by name, documents by case-insensitive globs). Listed through
 * `Workspace.filesWhere`, the tree is an input of the rule only through the paths that pass: adding
 * or deleting any other file touches it no more than a glob would (see `touchedBy`). A selector must
 * depend on the path alone.
 */
export interface Selector {
  readonly name: string;
  test(path: string): boolean;
  /**
   * A test of the {@link nameKey}s of the paths that can pass: every path `test` passes has a key
   * this passes. A large tree then tests only its files of those keys (`Workspace.filesWhere`);
   * absent, every path is tested.
   */
  readonly keys?: (key: string) => boolean;
}

const selectors = new Map<string, Selector>();

/**
 * Defines (once per process, at module load) the selector `name`; with `keys` (see
 * {@link Selector.keys}, e.g. {@link keysOfNames}), a large tree tests only its files of those keys.
 */
export function defineSelector(
  name: string,
  test: (path: string) => boolean,
  keys?: (key: string) => boolean,
): Selector {
  const selector: Selector = keys ? { name, test, keys } : { name, test };
  selectors.set(name, selector);
  return selector;
}

/**
 * The keys test of a selector whose paths end with one of these file names or name endings
 * (`package.json`, `Gemfile`, `.txt`), in any case: each one's {@link nameKey}, compared in lower case.
 */
export function keysOfNames(names: readonly string[]): (key: string) => boolean {
  const keys = new Set(names.map((n) => nameKey(n).toLowerCase()));
  return (key) => keys.has(key.toLowerCase());
}

/** The selector of globs, named after them so that any process can make it again from its name. */
export function globSelector(patterns: readonly string[], options: { ignoreCase?: boolean } = {}): Selector {
  const name = `glob${options.ignoreCase ? '-i' : ''}:${JSON.stringify(patterns)}`;
  return (
    selectors.get(name) ?? defineSelector(name, pathMatcher(patterns, options), globKeys(patterns, options))
  );
}

/**
 * The keys the globs' paths can have ({@link nameEndings}); without regard to case, those of the
 * globs in lower case, compared with the key in lower case (their literal endings are ASCII, which a
 * case-insensitive match compares letter by letter).
 */
function globKeys(
  patterns: readonly string[],
  options: { ignoreCase?: boolean },
): ((key: string) => boolean) | undefined {
  if (!options.ignoreCase) return nameEndings(patterns);
  const accepts = nameEndings(patterns.map((p) => p.toLowerCase()));
  return accepts && ((key) => accepts(key.toLowerCase()));
}

/** Every selector defined so far (those of the evaluators once their modules are loaded). */
export function definedSelectors(): Selector[] {
  return [...selectors.values()];
}

/** The selector of that name, or undefined when none is known (callers then assume every path passes). */
export function selectorNamed(name: string): Selector | undefined {
  const known = selectors.get(name);
  if (known) return known;
  const glob = /^glob(-i)?:(\[.*\])$/s.exec(name);
  if (!glob) return undefined;
  try {
    const patterns: unknown = JSON.parse(glob[2]!);
    if (Array.isArray(patterns) && patterns.every((p) => typeof p === 'string')) {
      return globSelector(patterns, { ignoreCase: glob[1] !== undefined });
    }
  } catch {
    // Not a name this process writes: unknown.
  }
  return undefined;
}
