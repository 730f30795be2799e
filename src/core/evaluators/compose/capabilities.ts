import {
  type ComposeService,
  describeService,
  serviceEntries,
  serviceFinding,
  serviceSetting,
} from '../../parsers/compose.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { unprivilegedServices } from './privileged.js';

interface Options {
  /** Capabilities a service must not add (`ALL` included). */
  forbiddenAdd: string[];
}

/** `cap_sys_admin` and `CAP_SYS_ADMIN` are how people write `SYS_ADMIN`. */
function normalise(cap: unknown): string {
  return typeof cap === 'string' ? cap.trim().toUpperCase().replace(/^CAP_/, '') : '';
}

/**
 * `compose.capabilities`: Compose services whose `cap_add` lists a forbidden Linux capability, each
 * reported at its entry (`CAP_` prefix and case ignored). A privileged service has every capability
 * whatever it adds: `compose.privileged` reports it.
 */
export const composeCapabilities = defineEvaluator<Options>({
  kind: 'compose.capabilities',
  summary: 'Docker Compose services that add listed Linux capabilities with cap_add.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      forbiddenAdd: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description: 'Capabilities a service must not add (without the CAP_ prefix; ALL for all).',
      },
    },
  },
  evaluate({ options, workspace }) {
    const forbidden = new Set(options.forbiddenAdd.map(normalise));
    const findings: RawFinding[] = [];
    for (const service of unprivilegedServices(workspace)) {
      const inert = unusedCapabilities(service);
      for (const entry of serviceEntries(service, 'cap_add')) {
        const name = normalise(entry.value);
        if (!forbidden.has(name)) continue;
        if (inert) {
          findings.push({
            ...serviceFinding(
              service,
              entry,
              `The ${describeService(service)} adds the ${name} capability`,
              `no process of it can use it: it runs as a non-root user (user: ${inert}) with no-new-privileges, ` +
                'so neither its user nor a file capability of its binaries grants it. Remove it from cap_add.',
              ['cap_add', name],
            ),
            severity: 'low',
          });
          continue;
        }
        findings.push(
          serviceFinding(
            service,
            entry,
            `The ${describeService(service)} adds the ${name} capability`,
            name === 'ALL'
              ? 'it gets every Linux capability, close to running privileged.'
              : `${name} reaches past the container's isolation (${EFFECTS[name] ?? 'a kernel power beyond the default set'}).`,
            ['cap_add', name],
          ),
        );
      }
    }
    return findings;
  },
});

/**
 * The user of a service whose added capabilities reach none of its processes, or undefined: a `user:`
 * that is not root (a name or a non-zero uid) with `no-new-privileges` in `security_opt`. Docker sets
 * no ambient capabilities, so a non-root process gets an added capability only from a file capability
 * of the program it runs, which no_new_privs does not honour. Without `user:` the image decides.
 */
function unusedCapabilities(service: ComposeService): string | undefined {
  const user = serviceSetting(service, 'user')?.value;
  const name = typeof user === 'number' ? String(user) : typeof user === 'string' ? user.trim() : '';
  const who = name.split(':')[0]!;
  if (who === '' || who === 'root' || /^0+$/.test(who) || who.includes('$')) return undefined;
  const options = serviceSetting(service, 'security_opt')?.value;
  const noNewPrivileges =
    Array.isArray(options) &&
    options.some((o) => typeof o === 'string' && /^\s*no-new-privileges\s*(?:[:=]\s*true\s*)?$/i.test(o));
  return noNewPrivileges ? name : undefined;
}

/** What the common capabilities give away, for the message. */
const EFFECTS: Record<string, string> = {
  SYS_ADMIN: 'mounts, namespaces and many kernel settings: close to full root on the host',
  NET_ADMIN: 'it can reconfigure interfaces, routes and firewall rules of its network',
  SYS_PTRACE: 'it can trace and read the memory of other processes it can see',
  SYS_MODULE: 'it can load kernel modules into the host kernel',
  DAC_READ_SEARCH: 'it can read any file past permission checks, and open host files by handle',
  SYS_RAWIO: 'raw access to devices and I/O ports',
  BPF: 'it can load eBPF programs into the host kernel',
};
