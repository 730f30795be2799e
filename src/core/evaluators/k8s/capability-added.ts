import { childAt, describeContainer } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { containerFinding, eachContainer } from './shared.js';

interface Options {
  /** Capability names, with or without the `CAP_` prefix. */
  capabilities: string[];
  /** What holding one of them lets a container do, appended to the message. */
  explain?: string;
}

/** `cap_sys_time` and `SYS_TIME` name the same capability. */
function normalise(name: string): string {
  return name.trim().toUpperCase().replace(/^CAP_/, '');
}

/**
 * Flags Kubernetes containers that add one of the listed Linux capabilities
 * (`securityContext.capabilities.add`), reported at the list item. Capabilities some container
 * runtimes grant by default are not listed in manifests and are not judged here.
 */
export const k8sCapabilityAdded = defineEvaluator<Options>({
  kind: 'k8s.capability-added',
  summary: 'Kubernetes containers that add one of the listed Linux capabilities.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['capabilities'],
    properties: {
      capabilities: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', pattern: '^(?:CAP_)?[A-Za-z_]+$' },
        description: 'Capability names, e.g. SYS_TIME (the CAP_ prefix is optional).',
      },
      explain: { type: 'string', minLength: 1, description: 'What the capability allows, for the message.' },
    },
  },
  evaluate({ options, workspace }) {
    const wanted = new Set(options.capabilities.map(normalise));
    const findings: RawFinding[] = [];
    eachContainer(workspace, (c) => {
      const add = childAt(c.pod.object, c.node, 'securityContext', 'capabilities', 'add');
      if (!add || !Array.isArray(add.value)) return;
      add.value.forEach((item, i) => {
        if (typeof item !== 'string' || !wanted.has(normalise(item))) return;
        const node = childAt(c.pod.object, add, i);
        if (!node) return;
        findings.push(
          containerFinding(
            c,
            node,
            `The ${describeContainer(c)} adds the capability ${normalise(item)}${options.explain ? `: ${options.explain}` : ''}.`,
            `cap:${normalise(item)}`,
          ),
        );
      });
    });
    return findings;
  },
});
