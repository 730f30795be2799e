import { setAt } from '../../fix/yaml-edit.js';
import type { FixBatches, FixTarget } from '../../fix/yaml-fix.js';
import { type Container, childAt, isMap } from '../../parsers/k8s.js';

const DESCRIPTION = 'Set securityContext.allowPrivilegeEscalation: false on the container';

/**
 * The fix of a container that may escalate privileges: its `allowPrivilegeEscalation` set to false,
 * added to its `securityContext` (created when missing), in the style the manifest is written in
 * (block YAML, flow mappings, JSON).
 */
export function privilegeEscalationFix(fixes: FixBatches, finding: FixTarget, c: Container): void {
  const object = c.pod.object;
  // A built object's values are written in several files (its base, its patches): no edit of one fixes
  // it. A chart template is no YAML until rendered: an edit of its text cannot be checked by a parse.
  if (object.built || object.template) return;
  const setting = childAt(object, c.node, 'securityContext', 'allowPrivilegeEscalation');
  const context = childAt(object, c.node, 'securityContext');
  const target = `${c.node.pointer}/securityContext/allowPrivilegeEscalation`;
  fixes.add(
    finding,
    object.path,
    object.document,
    DESCRIPTION,
    (editor) => {
      let edit: ReturnType<typeof editor.replaceScalar>;
      if (setting) edit = editor.replaceScalar(setting.pointer, false);
      else if (context && isMap(context.value))
        edit = editor.insertEntry(context.pointer, { key: 'allowPrivilegeEscalation', value: false });
      else if (context) return 'its securityContext is not a mapping';
      else
        edit = editor.insertEntry(c.node.pointer, {
          key: 'securityContext',
          value: [{ key: 'allowPrivilegeEscalation', value: false }],
        });
      return edit
        ? [edit]
        : 'the container is written through an alias or in a form that cannot be edited safely';
    },
    (doc) => setAt(doc, target, false),
  );
}
