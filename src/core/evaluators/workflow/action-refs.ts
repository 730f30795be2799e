import { locationFromSpan } from '../../location.js';
import { parseUses, type RefPinning, refPinning } from '../../parsers/uses.js';
import type { Located, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows } from '../../parsers/workflow.js';
import type { Location } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * Every `uses:` of an action or reusable workflow in another repository, with its pin and the version
 * its trailing comment names (`@<sha> # v4.2.2`, `# tag=v4.2.2`, `# pin@v4`), for the audits that
 * compare pins with versions, offline or through the GitHub API.
 */
export interface ActionRef {
  file: string;
  uses: Located<string>;
  owner: string;
  repo: string;
  /** `owner/repo`, lower case: what the API is asked about. */
  slug: string;
  /** `owner/repo[/path]` as written. */
  name: string;
  ref?: string;
  pinning: RefPinning;
  /** For a commit pin, the version named by the comment after the value, if any. */
  commentVersion?: string;
  location: Location;
}

/** The references of `sources`, in document order. */
export function actionRefs(
  workspace: Workspace,
  sources: readonly WorkflowSource[],
  /** Read the version comments of commit pins (false: leave `commentVersion` unset). */
  comments = true,
): ActionRef[] {
  // Shared by the online audits and ref-version-mismatch: collected once per workspace view.
  return workspace.memo(comments ? 'action-refs' : 'action-refs-bare', '', () =>
    collect(workspace, sources, comments),
  );
}

function collect(workspace: Workspace, sources: readonly WorkflowSource[], comments: boolean): ActionRef[] {
  const out: ActionRef[] = [];
  const add = (source: WorkflowSource, uses: Located<string> | undefined) => {
    if (!uses) return;
    const ref = parseUses(uses.value);
    if (ref.kind !== 'repository') return;
    // Only a commit pin needs its comment to say which release it is.
    const pinning = refPinning(ref.ref);
    const version = comments && pinning === 'sha' ? commentVersion(workspace, source.path, uses) : undefined;
    out.push({
      file: source.path,
      uses,
      owner: ref.owner,
      repo: ref.repo,
      slug: `${ref.owner}/${ref.repo}`.toLowerCase(),
      name: [ref.owner, ref.repo, ...(ref.path ? [ref.path] : [])].join('/'),
      ...(ref.ref !== undefined ? { ref: ref.ref } : {}),
      pinning,
      ...(version ? { commentVersion: version } : {}),
      location: locationFromSpan(source.path, uses.span),
    });
  };
  walkWorkflows(sources, {
    job(job, workflow) {
      add(workflow, job.uses);
    },
    step(step, source) {
      add(source, step.uses);
    },
  });
  return out;
}

const VERSION = /(?:^|[\s=@:(])(v?\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.]+)?)(?![\w.])/;

/** The version in the comment that follows a `uses:` value on its line. */
function commentVersion(workspace: Workspace, file: string, uses: Located<string>): string | undefined {
  const content = workspace.read(file);
  if (content.kind !== 'text') return undefined;
  const line = uses.span.end.line;
  const start = content.lines.lineStart(line);
  const end = content.text.indexOf('\n', start);
  const rest = content.text.slice(start + uses.span.end.column, end === -1 ? undefined : end);
  const hash = rest.search(/(?:^|\s)#/);
  if (hash === -1) return undefined;
  return VERSION.exec(rest.slice(rest.indexOf('#', hash) + 1).trim())?.[1];
}
