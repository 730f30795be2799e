import path from 'node:path/posix';
import { isMovingTag, parseImageRef } from '../../parsers/image-ref.js';
import { SCRIPT_FILES } from '../../parsers/shell-commands.js';
import { defineScreen } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { placedCommands } from '../deps/update-commands.js';
import { forEachLogicalLine, physicalPosition } from '../generic/shell-lines.js';

/**
 * The images the repository's build scripts set in its kustomizations before building them:
 * `cd config/manager && kustomize edit set image ghcr.io/acme/ctl=${IMG}` in a Makefile target, a
 * shell script or a workflow step writes the image (and its tag) into the `images:` of the
 * kustomization in that directory, so the tag committed there (`newTag: main`, a `:latest` in the
 * manifest) is what a developer's checkout builds, not what the build deploys. Read command by
 * command, as written: the directory follows `cd` (a Makefile recipe's lines start in the Makefile's
 * directory, each in a shell of its own; a script from the root or its own directory); a directory
 * made of variables is not followed. Only edits that set a computed image (`=${IMG}`, `:$(VERSION)`)
 * or a pinned one (a version tag, a digest) count: `=acme/ctl:latest` pins nothing.
 *
 * Every file read here is the repository's, so a pull request can write them: the rule lowers its
 * finding on this evidence, never drops it.
 */

/** An `edit set image` of the kustomization in a directory. */
export interface KustomizeImageEdit {
  /** The image name it sets (the `name` of the `images:` entry it writes). */
  name: string;
  /** The file and line of the command. */
  source: string;
  line: number;
}

/** The commands worth lexing: those that set an image with kustomize. */
const SETS_IMAGE = /\bedit\s+set\s+image\b/;
/**
 * Only the scripts that set an image are inputs of the rules that ask (screens.ts): a pull request
 * that edits a workflow or a Makefile without such a command on either side does not evaluate them
 * again.
 */
const SETS_IMAGE_SCREEN = defineScreen('kustomize-edit-set-image', (_file, text) => SETS_IMAGE.test(text));

/** The edits of the repository's build scripts, by the directory of the kustomization they edit. */
export function kustomizeImageEdits(
  workspace: Workspace,
): ReadonlyMap<string, readonly KustomizeImageEdit[]> {
  return workspace.memo('k8s-kustomize-image-edits', '', () => {
    const out = new Map<string, KustomizeImageEdit[]>();
    for (const file of workspace.screenedGlob(SCRIPT_FILES, SETS_IMAGE_SCREEN)) {
      const text = workspace.text(file);
      if (text === undefined) continue;
      for (const { dir, edit } of fileEdits(file, text)) {
        const list = out.get(dir);
        if (list) list.push(edit);
        else out.set(dir, [edit]);
      }
    }
    return out;
  });
}

function fileEdits(file: string, text: string): { dir: string; edit: KustomizeImageEdit }[] {
  const own = path.dirname(file) === '.' ? '' : path.dirname(file);
  const workflow = file.startsWith('.github/workflows/');
  const script = /\.(?:sh|bash)$/.test(file);
  // A workflow's steps start at the checkout's root; a Makefile's recipes in its directory; a script
  // where it is called from, the root or (after a `cd "$(dirname "$0")"`) its own.
  const starts = [...new Set(workflow ? [''] : script ? ['', own] : [own])];
  const out: { dir: string; edit: KustomizeImageEdit }[] = [];
  const visit = (source: string, lineOf: (offset: number) => number) => {
    for (const start of starts) {
      for (const { view, dir } of placedCommands(source, { path: start, exact: true }, !script)) {
        if (!dir?.exact || !/kustomize/i.test(view.name)) continue;
        const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
        if (words[0] !== 'edit' || words[1] !== 'set' || words[2] !== 'image') continue;
        for (const arg of words.slice(3)) {
          const name = editedName(arg);
          if (name)
            out.push({ dir: dir.path, edit: { name, source: file, line: lineOf(view.command.start) } });
        }
      }
    }
  };
  if (script) {
    // A script's `cd` holds for the lines after it.
    visit(text, (offset) => text.slice(0, offset).split('\n').length);
  } else {
    // A recipe line (continuations joined) or a step's line: its own `cd` only.
    forEachLogicalLine(text, (line) => {
      if (SETS_IMAGE.test(line.text)) visit(line.text, (offset) => physicalPosition(line, offset).line);
    });
  }
  return out;
}

/**
 * The image name an `edit set image` argument sets, when what it sets is computed or pinned:
 * `name=newName:tag`, `name=newName@digest`, `name=${IMG}`, `name:tag`, `name@digest`.
 */
function editedName(arg: string): string | undefined {
  if (arg.startsWith('-')) return undefined;
  const eq = arg.indexOf('=');
  const value = eq === -1 ? arg : arg.slice(eq + 1);
  // Without `=`, the argument names the image with the tag or digest it sets.
  const base = eq === -1 ? arg.replace(/@.*$/, '').replace(/:[^/]*$/, '') : arg.slice(0, eq);
  const ref = parseImageRef(base);
  if (!ref || /[$`{}]/.test(base)) return undefined;
  const name = ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
  if (/[$`]/.test(value)) return name;
  const set = parseImageRef(value.startsWith('*') ? `${name}${value.slice(1)}` : value);
  if (!set) return undefined;
  const pinned = set.digest !== undefined || (set.tag !== undefined && !isMovingTag(set.tag, set.repository));
  return pinned ? name : undefined;
}
