import { locationFromSpan } from '../../location.js';
import type { Job } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { commandsOf, programName } from './commands.js';
import { stepLabel } from './shared.js';

/**
 * Code, packages and keys fetched over `http://`, `ftp://` or `git://` arrive without integrity or
 * authenticity: anyone on the network path (or who can poison DNS) decides what the job runs. Reported
 * at the URL, in the commands that fetch (curl, wget, Invoke-WebRequest, git, package installers and
 * their index options, key imports) and in action inputs that name a download or registry URL.
 * Addresses that stay on the runner or its job's network (localhost, private ranges, service
 * containers, single-label host names) are not reported, nor are apt/yum sources, whose packages are
 * signed and verified whatever the transport, nor a code-signing step's timestamp authority (an
 * input named for a timestamp server), whose signed answer is no download.
 */
export const workflowInsecureUrlScheme = defineEvaluator<Record<string, never>>({
  kind: 'workflow.insecure-url-scheme',
  scope: 'file',
  summary:
    'Downloads, clones and package indexes over http://, ftp:// or git:// in scripts and action inputs.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const report = (
      url: string,
      location: RawFinding['location'],
      owner: string,
      what: string,
      input = false,
    ) => {
      const scheme = url.slice(0, url.indexOf(':'));
      findings.push({
        message:
          `${what} "${url.slice(0, 120)}" over ${scheme}://, which has no encryption or integrity: whoever is on the ` +
          `network path can replace what arrives. Use ${scheme === 'git' ? 'https:// (or ssh://)' : 'https://'}.`,
        location,
        key: `${owner}/${url}`,
        // An input named like a URL may be a link the action only prints.
        ...(input ? { confidence: 'medium' as const } : {}),
      });
    };
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        const owner = `${job?.id ?? ''}/${stepLabel(step)}`;
        for (const [name, value] of step.with?.entries ?? []) {
          if (typeof value.value !== 'string' || !/url|registry|mirror|server|source|host/i.test(name))
            continue;
          // A code-signing timestamp authority (`timestamp-server: http://timestamp.digicert.com`):
          // its RFC 3161 answer is signed and checked by the signing tool, and is no code the job runs.
          if (TIMESTAMP_INPUT.test(name)) continue;
          const url = insecure(value.value.trim(), job);
          if (url)
            report(url, locationFromSpan(source.path, value.span), owner, `Input "${name}" points at`, true);
        }
        if (!step.run || !/\b(?:https?|ftp|git):\/\//i.test(step.run.value)) return;
        const text = locatedText(workspace, source.path, step.run);
        for (const command of commandsOf(step.run.value)) {
          const program = programName(command);
          if (!program || !FETCHERS.has(program)) continue;
          if (
            program === 'git' &&
            !/^(?:clone|fetch|pull|submodule|remote|ls-remote)$/.test(command.program[1]?.text ?? '')
          )
            continue;
          for (const w of command.program.slice(1)) {
            const url = insecure(w.text.replace(/^[-\w]+=/, ''), job);
            if (url) report(url, text.locate(w.start, w.end), owner, `"${program}" fetches`);
          }
        }
      },
    });
    return findings;
  },
});

/** Inputs that name a code-signing timestamp authority (`timestamp-server`, `timestamp_url`, `tsa-url`). */
const TIMESTAMP_INPUT = /time-?stamp|(?:^|[-_])tsa(?:$|[-_])/i;

/** Programs that fetch what they are given (or configure where packages come from). */
const FETCHERS = new Set([
  'curl',
  'wget',
  'aria2c',
  'iwr',
  'irm',
  'invoke-webrequest',
  'invoke-restmethod',
  'start-bitstransfer',
  'git',
  'pip',
  'pip3',
  'pipx',
  'uv',
  'poetry',
  'npm',
  'yarn',
  'pnpm',
  'npx',
  'gem',
  'bundle',
  'helm',
  'rpm',
  'apt-key',
  'go',
  'cargo',
  'dotnet',
  'nuget',
  'composer',
  'conda',
  'mamba',
  'svn',
  'hg',
]);

const SCHEME = /^(https?|ftp|git):\/\/([^/\s"'?#]*)/i;

/** The URL when it uses a plaintext scheme towards a host outside the job's own network. */
function insecure(text: string, job: Job | undefined): string | undefined {
  const m = SCHEME.exec(text);
  if (!m || m[1]!.toLowerCase() === 'https') return undefined;
  const host = m[2]!
    .replace(/^[^@]*@/, '')
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (local(host, job)) return undefined;
  return text.split(/\s/)[0];
}

function local(host: string, job: Job | undefined): boolean {
  if (host === '' || host.includes('$') || host.includes('{')) return true;
  if (
    !host.includes('.') ||
    host === '::1' ||
    /\.(?:local|localhost|internal|lan|home\.arpa|svc|cluster\.local)$/.test(host)
  )
    return true;
  if (/^(?:127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.|0\.0\.0\.0$)/.test(host)) return true;
  return (job?.services ?? []).some((s) => s.id?.toLowerCase() === host);
}
