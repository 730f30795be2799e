import { setAt } from '../../fix/yaml-edit.js';
import type { FixBatches, FixTarget } from '../../fix/yaml-fix.js';
import { parseUses } from '../../parsers/uses.js';
import type { Located, WorkflowSource } from '../../parsers/workflow.js';
import type { TextEdit } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';

/** Stands in for the commit while the edit is checked; the real one is resolved by `controlgate fix`. */
const PLACEHOLDER = '0'.repeat(40);

/**
 * The fix of a `uses:` that names a tag: the ref replaced by the commit the tag names (resolved by
 * `controlgate fix` through the GitHub API) and the tag kept in a comment after the value, where
 * Dependabot and Renovate read it (`uses: actions/checkout@<sha> # v4`).
 */
export function pinFix(
  fixes: FixBatches,
  finding: FixTarget,
  workspace: Workspace,
  source: WorkflowSource,
  uses: Located<string>,
): void {
  const why = plan(workspace, source, uses);
  if (typeof why === 'string') {
    finding.unfixable = why;
    return;
  }
  const { repository, ref, edits } = why;
  fixes.add(
    finding,
    source.path,
    source.document,
    `Pin ${repository}@${ref} to the commit the tag names`,
    () => edits(PLACEHOLDER),
    (doc) => setAt(doc, uses.pointer, uses.value.replace(`@${ref}`, `@${PLACEHOLDER}`)),
    (fix) => ({
      ...fix,
      edits: fix.edits.map((e, i) => (i === 0 ? { ...e, text: '' } : e)),
      resolve: { kind: 'tag-commit', repository, ref, edit: 0 },
    }),
  );
}

/** The repository, tag and edits of a pin (given the commit), or why there is none. */
function plan(
  workspace: Workspace,
  source: WorkflowSource,
  uses: Located<string>,
): { repository: string; ref: string; edits: (sha: string) => TextEdit[] } | string {
  const ref = parseUses(uses.value);
  if (ref.kind === 'docker')
    return 'container images are pinned by digest (@sha256:...), which needs the registry';
  if (ref.kind !== 'repository' || !ref.ref) return 'the reference names no version to pin';
  if (/^[0-9a-f]{7,39}$/i.test(ref.ref)) return 'an abbreviated SHA: write the full one';
  if (uses.origin) return 'the value is written through a YAML alias';
  const content = workspace.read(source.path);
  if (content.kind !== 'text') return 'the file could not be read again';
  const { text, lines } = content;
  const start = lines.lineStart(uses.span.start.line) + uses.span.start.column - 1;
  const end = lines.lineStart(uses.span.end.line) + uses.span.end.column;
  if (uses.span.start.line !== uses.span.end.line) return 'the value spans lines';
  const written = text.slice(start, end);
  const at = written.indexOf('@');
  if (at < 0 || written.slice(at + 1, at + 1 + ref.ref.length) !== ref.ref)
    return 'the value is written with escapes';
  const refStart = start + at + 1;
  const comment = commentAt(text, end, ref.ref);
  const edits = (sha: string): TextEdit[] => [
    { start: refStart, end: refStart + ref.ref!.length, text: sha },
    comment,
  ];
  return { repository: `${ref.owner}/${ref.repo}`, ref: ref.ref, edits };
}

/**
 * The version comment: right after the value when nothing but a comment follows it on the line,
 * else at the end of the line's content (a flow mapping goes on after the value).
 */
function commentAt(text: string, end: number, ref: string): TextEdit {
  const eol = text.indexOf('\n', end);
  const lineEnd = eol === -1 ? text.length : text[eol - 1] === '\r' ? eol - 1 : eol;
  const rest = text.slice(end, lineEnd);
  const note = ` # ${ref}`;
  if (/^\s*(#.*)?$/.test(rest)) return { start: end, end, text: note };
  const hash = trailingComment(rest);
  const content = hash < 0 ? rest.replace(/\s+$/, '') : rest.slice(0, hash).replace(/\s+$/, '');
  const at = end + content.length;
  return { start: at, end: at, text: note };
}

/** Offset of a trailing comment (`#` after a blank, outside quotes), or -1. */
function trailingComment(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === '"' && ch === '\\') i++;
    else if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return i;
  }
  return -1;
}
