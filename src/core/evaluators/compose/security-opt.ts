import { describeService, serviceEntries, serviceFinding } from '../../parsers/compose.js';
import type { RawFinding, Severity } from '../../types.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';
import { unprivilegedServices } from './privileged.js';

/** A `security_opt` entry that lifts a confinement, and what the container escapes. */
interface Unconfined {
  /** The option as Docker names it: `seccomp`, `apparmor`, `label`, `systempaths`. */
  option: string;
  effect: string;
  severity: Severity;
}

/** SELinux types that the policy does not confine (`spc_t` is Docker's "super privileged container"). */
const UNCONFINED_SELINUX_TYPES = new Set(['spc_t', 'unconfined_t']);

/**
 * What a `security_opt` entry turns off, if it turns one off. Docker takes `name=value` and the older
 * `name:value` alike. `no-new-privileges:false` is not one: it is Docker's default, so it lifts nothing
 * that the absence of the option would not (and that absence is not a confinement being turned off).
 */
export function unconfinedBy(entry: string): Unconfined | undefined {
  const m = /^\s*([a-z-]+)\s*[:=]\s*(.*?)\s*$/i.exec(entry);
  if (!m) return undefined;
  const option = m[1]!.toLowerCase();
  const value = m[2]!.toLowerCase();
  if (option === 'seccomp' && value === 'unconfined')
    return {
      option,
      effect: 'every system call reaches the host kernel, so any kernel flaw is one call away',
      severity: 'medium',
    };
  if (option === 'apparmor' && value === 'unconfined')
    return {
      option,
      effect:
        'the AppArmor profile that stops it writing to /proc and /sys or mounting is gone (on hosts that run AppArmor)',
      severity: 'medium',
    };
  if (option === 'label') {
    const type = /^type\s*[:=]\s*(\S+)$/.exec(value)?.[1];
    if (value === 'disable' || (type !== undefined && UNCONFINED_SELINUX_TYPES.has(type)))
      return {
        option,
        effect:
          "SELinux no longer keeps it from the host's files and other containers (on hosts that enforce SELinux)",
        severity: 'medium',
      };
  }
  if (option === 'systempaths' && value === 'unconfined')
    return {
      option,
      effect:
        'the kernel files Docker masks or makes read-only under /proc and /sys (sysrq-trigger, kcore, /proc/sys) are open to it: as root it can reboot or retune the host',
      severity: 'high',
    };
  return undefined;
}

/**
 * `compose.security-opt`: Compose services whose `security_opt` turns off a confinement Docker applies
 * by default: seccomp or AppArmor `unconfined`, SELinux labelling disabled (or an unconfined type), or
 * `systempaths=unconfined`. A privileged service runs without all of them anyway:
 * `compose.privileged` reports it. Entries taken from a variable are not judged.
 */
export const composeSecurityOpt = defineEvaluator<Record<string, never>>({
  kind: 'compose.security-opt',
  summary:
    'Docker Compose services whose security_opt turns off seccomp, AppArmor, SELinux labelling or the masked system paths.',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const service of unprivilegedServices(workspace)) {
      for (const node of serviceEntries(service, 'security_opt')) {
        const entry = node.value;
        if (typeof entry !== 'string' || entry.includes('$')) continue;
        const lifted = unconfinedBy(entry);
        if (!lifted) continue;
        findings.push({
          ...serviceFinding(
            service,
            node,
            `The ${describeService(service)} sets security_opt "${entry.trim()}"`,
            `${lifted.effect}.`,
            ['security_opt', lifted.option],
          ),
          severity: lifted.severity,
        });
      }
    }
    return findings;
  },
});
