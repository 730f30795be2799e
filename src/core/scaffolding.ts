/**
 * Project-scaffolding templates: folders whose files a generator renders into a new project
 * (`django-admin startproject --template`, a framework's `start` command, cookiecutter, copier).
 * Their Dockerfiles, requirements and settings are the generated projects', not the repository's:
 * the rule run lowers findings in them, as it does in test paths (see confidence.ts).
 */

/** What the classification reads of the tree: which files it has (never their content). */
export interface TreeListing {
  readonly files: readonly string[];
}

/** Django's template files, which `startproject` and `startapp` render and rename (`manage.py-tpl`). */
const DJANGO_TEMPLATE_ENDING = '.py-tpl';

/**
 * A Backstage software template's definition (`template.yaml`), whose `fetch:template` step renders
 * the `skeleton/` folder beside it into the new repository: Backstage's own layout.
 */
const SKELETON_MARK = /(?:^|\/)template\.ya?ml$/;

/**
 * The project-scaffolding template a path belongs to, as its root folder, or undefined: a folder
 * named in a template language, the nearest folder named for a template (`project_template/`,
 * `app_template/`, Django's own names) above a `*.py-tpl` file, or the `skeleton/` folder beside a
 * Backstage template's `template.yaml`. Such a template's Dockerfile,
 * requirements and settings are those of the projects a generator makes from it (`django-admin
 * startproject --template`, a framework's `start` command, cookiecutter), not this repository's.
 * A folder is a template only by what it holds and how it is named, never the top of the tree.
 */
export function scaffoldingTemplate(tree: TreeListing): (path: string) => string | undefined {
  let roots: string[] | undefined;
  return (path) => {
    // A folder named in a template language (cookiecutter's `{{cookiecutter.project_slug}}/`,
    // copier's `{{ project_name }}/`): everything under it is rendered before anyone builds it.
    const brace = path.search(/\{[{%]/);
    const end = brace === -1 ? -1 : path.indexOf('/', brace);
    if (end !== -1) return path.slice(0, end);
    // Only a folder named for a template, or a skeleton, can be one's root: the tree is listed for
    // the others' sake only when a path lies under such a name (a pull request's findings rarely do).
    const folders = path.slice(0, path.lastIndexOf('/') + 1);
    if (!/template|(?:^|\/)skeleton\//i.test(folders)) return undefined;
    roots ??= markedTemplateRoots(tree.files);
    return roots.find((root) => path.startsWith(`${root}/`));
  };
}

function markedTemplateRoots(files: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const file of files) {
    const root = templateRootMarkedBy(file);
    if (root !== undefined) roots.add(root);
  }
  return [...roots];
}

/**
 * The template root a file makes one by being there: for a Django template file (`*.py-tpl`), the
 * nearest folder above it named for a template; for a Backstage template's `template.yaml`, the
 * `skeleton/` folder beside it. Adding or deleting it may change which files belong to a template.
 */
export function templateRootMarkedBy(file: string): string | undefined {
  if (SKELETON_MARK.test(file)) {
    const slash = file.lastIndexOf('/');
    return slash === -1 ? 'skeleton' : `${file.slice(0, slash)}/skeleton`;
  }
  if (!file.endsWith(DJANGO_TEMPLATE_ENDING)) return undefined;
  const parts = file.split('/').slice(0, -1);
  for (let i = parts.length; i > 0; i--) {
    if (/template/i.test(parts[i - 1]!)) return parts.slice(0, i).join('/');
  }
  return undefined;
}
