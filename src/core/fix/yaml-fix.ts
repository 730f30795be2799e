/**
 * The one way evaluators build a fix of a YAML (or JSON) file: edits made with a {@link YamlEditor}
 * on the workspace's text, kept only when the edited text parses to exactly the intended documents.
 */
import type { FindingFix, TextEdit } from '../types.js';
import type { Workspace } from '../workspace/workspace.js';
import type { YamlDocument } from '../workspace/yaml.js';
import { makeFix } from './edits.js';
import { cloneYaml, verifyYaml, YamlEditor } from './yaml-edit.js';

/** A fix, or why there is none. */
export type FixAttempt = { fix: FindingFix } | { unfixable: string };

/**
 * Builds a fix of `file`: `edit` returns the edits (or a reason there are none) and `intend` applies
 * the same change to a copy of the document's value. Undefined edits or a mismatch: unfixable.
 */
export function yamlFix(
  workspace: Workspace,
  file: string,
  document: YamlDocument,
  description: string,
  edit: (editor: YamlEditor) => TextEdit[] | string,
  intend: (value: unknown) => void,
): FixAttempt {
  const content = workspace.read(file);
  const parsed = workspace.yaml(file);
  if (content.kind !== 'text' || !parsed?.ok) return { unfixable: 'the file could not be read again' };
  const editor = new YamlEditor(content.text, content.lines, document);
  const edits = edit(editor);
  if (typeof edits === 'string') return { unfixable: edits };
  const expected = parsed.documents.map((d) => cloneYaml(d.value));
  intend(expected[document.index]);
  if (!verifyYaml(content.text, edits, expected)) {
    return { unfixable: 'the edit could not be made without changing something else in the file' };
  }
  const fix = makeFix(content.text, content.lines, description, edits);
  return fix ? { fix } : { unfixable: 'nothing to change' };
}
