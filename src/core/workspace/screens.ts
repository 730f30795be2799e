/**
 * Screens: named tests of a file's text that tell a family's subjects from the other files its globs
 * match (a Kubernetes manifest among every YAML file). A rule that lists its files through
 * `Workspace.screenedGlob` sees only those that pass, so a change to a file that passes the screen
 * on neither side cannot change what it finds: the recorded input is the glob with its screen, and a
 * change touches it only through a path that passes on the base or on the head (see `touchedBy`).
 * A screen must depend on the path and the text alone.
 */

/** A named test of a file's text. */
export interface Screen {
  readonly name: string;
  /** Globs of paths that never pass, not even read (large files of other kinds). */
  readonly skip: readonly string[];
  test(file: string, text: string): boolean;
}

const screens = new Map<string, Screen>();

/** Defines (once per process, at module load) the screen `name`. */
export function defineScreen(
  name: string,
  test: (file: string, text: string) => boolean,
  skip: readonly string[] = [],
): Screen {
  const screen: Screen = { name, skip, test };
  screens.set(name, screen);
  return screen;
}

/** The screen of that name, or undefined when none is defined (callers then assume it passes). */
export function screenNamed(name: string): Screen | undefined {
  return screens.get(name);
}
