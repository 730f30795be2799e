import type { Confidence, RawFinding, Severity } from '../../types.js';
import { CONFIDENCES, SEVERITIES } from '../../types.js';
import type { RequestFacts } from './shell-requests.js';

/**
 * Grading of a flag that turns certificate checks off on a request (`curl -k`, `wget
 * --no-check-certificate`) by what the request is for. A download into a build lets whoever
 * intercepts it put code into the artifacts: the rule's severity. A script that only reads a
 * service's answer (a container's entrypoint calling another container) talks to a service whose
 * identity nobody checks, a smaller matter. A host that no public name or address can be is an
 * internal service, most often with a self-signed certificate: the finding is less sure to matter.
 */

/**
 * How a flag that switches certificate checks off for a request is graded. The pattern's own message
 * and the rule's severity are for a request that feeds a build: in a `buildPaths` file, or whose
 * response is stored or run.
 */
export interface RequestGrading {
  /** A request whose response only the script reads (a service talking to another). */
  runtime: { severity: Severity; message: string };
  /** No host can be a public DNS name or address; `{host}` in the message is the first one. */
  internal: { confidence: Confidence; message: string };
  /**
   * A health check script's probe of its own server: a runtime request, sending no credential, whose
   * every host is a variable the script defaults to the machine itself (see {@link probesItself}).
   */
  healthcheck?: { confidence: Confidence; message: string };
  /**
   * A HEAD request that sends no credential and whose answer is neither stored nor run (a readiness
   * probe reading a status code): an impersonator can only forge a status and headers.
   */
  statusOnly?: { confidence: Confidence; message: string };
  /**
   * Where a request feeds a build, one that sends no credential and whose answer is only shown in the
   * log or thrown away (a check that a deployed service answers) puts nothing into it: graded as a
   * request to a service (`runtime`), with this message added.
   */
  shownOnly?: { message: string };
}

/** JSON Schema of a pattern's `request` option (see {@link RequestGrading}). */
export const REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['runtime', 'internal'],
  description:
    'In `shellPaths` files, for a flag that switches certificate checks off on a request of ' +
    '`commands` (curl, wget): no finding when every URL is `http://` or the request goes ' +
    "through a local socket; the rule's severity and the pattern's message only where the " +
    "request feeds a build (a `buildPaths` file other than a container's CMD, ENTRYPOINT or " +
    'HEALTHCHECK line, or a response stored in a file or run), `runtime` elsewhere; ' +
    '`internal` when no host can be a public DNS name; and `healthcheck` for a runtime request of a ' +
    'script named as a health check (`healthcheck.sh`) that sends no credential and whose every host ' +
    'is a variable the script sets only to the machine itself (`HOST=localhost`, or a default of 127.0.0.1 in the URL), ' +
    'besides values of other variables.',
  properties: {
    runtime: {
      type: 'object',
      additionalProperties: false,
      required: ['severity', 'message'],
      properties: {
        severity: { enum: [...SEVERITIES] },
        message: { type: 'string', minLength: 1 },
      },
    },
    internal: {
      type: 'object',
      additionalProperties: false,
      required: ['confidence', 'message'],
      properties: {
        confidence: { enum: [...CONFIDENCES] },
        message: {
          type: 'string',
          minLength: 1,
          description: 'Added to the message; `{host}` is replaced by the host.',
        },
      },
    },
    healthcheck: {
      type: 'object',
      additionalProperties: false,
      required: ['confidence', 'message'],
      properties: {
        confidence: { enum: [...CONFIDENCES] },
        message: { type: 'string', minLength: 1, description: 'Added to the message.' },
      },
    },
    shownOnly: {
      type: 'object',
      additionalProperties: false,
      required: ['message'],
      description:
        'For a request in a build that sends no credential and whose answer is only printed or discarded ' +
        "(not stored, captured, piped or run, in a file that pipes or stores no block's or function's " +
        'output as a whole): graded as `runtime`, with this message added.',
      properties: {
        message: { type: 'string', minLength: 1, description: 'Added to the message.' },
      },
    },
    statusOnly: {
      type: 'object',
      additionalProperties: false,
      required: ['confidence', 'message'],
      description:
        'For a HEAD request (`curl -I`, `wget --spider`) that sends no credential and whose answer is ' +
        'neither stored in a file nor run: the server returns a status and headers only.',
      properties: {
        confidence: { enum: [...CONFIDENCES] },
        message: { type: 'string', minLength: 1, description: 'Added to the message.' },
      },
    },
  },
};

/**
 * The message, severity and confidence of a finding on a request; `build`: the line runs in a build.
 * `script`: the text of the script that holds it, for whether it probes its own server.
 */
export function gradeRequest(
  message: string,
  request: RequestGrading,
  facts: RequestFacts,
  build: boolean,
  script?: ScriptProbe,
): Pick<RawFinding, 'message' | 'severity' | 'confidence'> {
  // A request in a build whose answer is only printed or thrown away puts nothing into the build: it
  // is graded as a request to a service, and says why.
  const shown =
    build &&
    request.shownOnly !== undefined &&
    facts.shownOnly &&
    !facts.head &&
    !facts.credential &&
    script !== undefined &&
    !script.groupsOutput();
  const runtime = (!build || shown) && facts.feeds === undefined;
  const out: Pick<RawFinding, 'message' | 'severity' | 'confidence'> = runtime
    ? {
        message: shown ? `${request.runtime.message} ${request.shownOnly!.message}` : request.runtime.message,
        severity: request.runtime.severity,
      }
    : { message };
  if (runtime && request.healthcheck && script && probesItself(script, facts)) {
    out.confidence = request.healthcheck.confidence;
    out.message = `${out.message} ${request.healthcheck.message}`;
    return out;
  }
  if (request.statusOnly && facts.head && !facts.credential && facts.feeds === undefined) {
    out.confidence = request.statusOnly.confidence;
    out.message = `${out.message} ${request.statusOnly.message}`;
    return out;
  }
  const hosts = facts.urls.map(internalHost);
  const host = hosts.length > 0 && hosts.every((h) => h !== undefined) ? hosts[0]! : undefined;
  if (host !== undefined) {
    const shown = host.length > 80 ? `${host.slice(0, 77)}...` : host;
    out.confidence = request.internal.confidence;
    out.message = `${out.message} ${request.internal.message.replaceAll('{host}', shown)}`;
  }
  return out;
}

/**
 * How a flag that names a host whose certificate is not checked (pip `--trusted-host H`, uv
 * `--allow-insecure-host H`; the pattern's group named `host`) is graded. Such a flag also lets the
 * client fetch from the host over plain HTTP, which it otherwise refuses.
 */
export interface HostGrading {
  /** The message when every URL that names the host is `http://`, in a `shellPaths` file. */
  plainHttp: string;
  /** The host cannot be a public DNS name; `{host}` in the message is the host. */
  internal: { confidence: Confidence; message: string };
}

/** JSON Schema of a pattern's `trustedHost` option (see {@link HostGrading}). */
export const HOST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['plainHttp', 'internal'],
  description:
    'For a flag that names a host whose certificate is not checked (the group named `host`: pip ' +
    '`--trusted-host H`): when the command (in `shellPaths` files) or the file (elsewhere, comments ' +
    "aside) names that host in package index URLs and every one is `http://`, the flag has no certificate to skip but is what lets the client use plain HTTP: `plainHttp` is the message of a command's finding, and in a configuration file " +
    'there is no finding (the plain-HTTP index there is a registry setting, which the registry rules ' +
    'read); `internal` when the host cannot be a public DNS name.',
  properties: {
    plainHttp: { type: 'string', minLength: 1 },
    internal: REQUEST_SCHEMA.properties.internal,
  },
};

/** A URL's scheme and host (lower-cased), and its port. */
export interface NamedUrl {
  scheme: string;
  host: string;
  port: string | undefined;
}

/**
 * A package index URL given to pip or uv: the value of an index option on a command line or in a
 * requirements file (`--extra-index-url`, `-i`, `--find-links`, uv's `--index`), or a pip.conf
 * setting; the scheme, perhaps credentials, the host (a bracketed IPv6 address or a name) and a port.
 */
const INDEX_URL =
  /(?:(?<![\w-])(?:--(?:extra-)?index-url|--default-index|--index|--find-links|-i|-f)(?:[ \t]*=[ \t]*|[ \t]+)|^[ \t]*(?:extra-index-url|index-url|find-links)[ \t]*=[ \t]*)["']?([A-Za-z][A-Za-z0-9+.-]{0,31}):\/\/(?:[^\s/?#@"'<>]{0,256}@)?(\[[0-9A-Fa-f:.]{1,64}\]|[^\s/?#:@"'<>\\]{1,253})(?::([0-9]{1,5}))?/gm;

/** The package index URLs a command or a configuration file names, for {@link gradeTrustedHost}. */
export function indexUrls(text: string): NamedUrl[] {
  return [...text.matchAll(INDEX_URL)].map((m) => ({
    scheme: m[1]!.toLowerCase(),
    host: m[2]!.toLowerCase().replace(/\.$/, ''),
    port: m[3],
  }));
}

/**
 * The grading of a flag that trusts `host` (as written, perhaps with a port) given the package index
 * URLs of the text it acts on; undefined when there is no finding (see {@link HOST_SCHEMA}).
 * `command`: the text is a shell command, else a configuration file.
 */
export function gradeTrustedHost(
  message: string,
  grading: HostGrading,
  host: string | undefined,
  named: readonly NamedUrl[],
  command: boolean,
): Pick<RawFinding, 'message' | 'severity' | 'confidence'> | undefined {
  if (host === undefined) return { message };
  const at = /^(\[[^\]]*\]|[^:]*)(?::([0-9]{1,5}))?$/.exec(host);
  const name = (at?.[1] ?? host).toLowerCase().replace(/\.$/, '');
  const port = at?.[2];
  const urls = named.filter((u) => u.host === name && (port === undefined || u.port === port));
  if (urls.length > 0 && urls.every((u) => u.scheme === 'http')) {
    return command ? { message: grading.plainHttp } : undefined;
  }
  const internal = internalHost(`https://${host}/`);
  if (internal === undefined) return { message };
  const shown = internal.length > 80 ? `${internal.slice(0, 77)}...` : internal;
  return {
    message: `${message} ${grading.internal.message.replaceAll('{host}', shown)}`,
    confidence: grading.internal.confidence,
  };
}

/** The script a request is made in, for {@link probesItself}. */
export interface ScriptProbe {
  path: string;
  /** The variables the script sets, memoised (see {@link hostDefaults}). */
  defaults: () => ReadonlyMap<string, HostDefault>;
  /** Whether the file may pipe or redirect a block's output as a whole, memoised (see {@link groupsOutput}). */
  groupsOutput: () => boolean;
}

/**
 * The end of a compound command (`done`, `fi`, `esac`, `}`, `)`) whose output is piped or stored as a
 * whole (`done | sh`, `done < list | sh`, `} > out`), or a function definition (its calls may be): a
 * request on a line of such a file may print into a pipe or a file that its own line does not show.
 */
const GROUPED_OUTPUT =
  /(?:^|[\s;&])(?:done|fi|esac|\}|\))(?:[ \t<][^\n|>]{0,256})?[|>]|\b[A-Za-z_][\w-]{0,63}[ \t]*\(\)[ \t]*(?:\{|$)|(?:^|[\s;&])function[ \t]+[A-Za-z_]/m;

/** Whether a file's text may pipe or redirect a block's output as a whole (see {@link GROUPED_OUTPUT}). */
export function groupsOutput(text: string): boolean {
  return GROUPED_OUTPUT.test(text);
}

/** A script named as a container's health check (`healthcheck.sh`, `docker-healthcheck`, `health-check.sh`). */
const HEALTHCHECK_NAME = /health[-_.]?check/i;

/** The machine itself, as a host: no network path to intercept. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|::1|\[::1\])$/i;

/**
 * A URL whose host is one variable (`${HOST}`, `$HOST`, `${HOST:-localhost}`), whatever its scheme
 * (a variable too, as `${SCHEME}://`), followed by a port, a path or nothing.
 */
const VARIABLE_HOST =
  /^["']?[^\s:/"']{1,128}:\/\/(?:\$\{([A-Za-z_]\w{0,63})(?::?[-=]([^}\s]{0,64}))?\}|\$([A-Za-z_]\w{0,63}))(?=[:/?#"']|$)/;

/** What a script sets a variable to: literal values all of the machine itself, at least one. */
export type HostDefault = 'loopback' | 'other';

/**
 * Assignments of a script: `NAME=value` (after `export`, `local`, `readonly` or `declare`), and
 * `${NAME:=value}`. A value quoted or not, up to 256 characters.
 */
const ASSIGNMENT =
  /(?:^|[\s;&|(])(?:(?:export|local|readonly|declare)[ \t]+(?:-[a-zA-Z]{1,8}[ \t]+)?)?([A-Za-z_]\w{0,63})=("[^"\n]{0,256}"|'[^'\n]{0,256}'|[^\s;&|)"']{0,256})|\$\{([A-Za-z_]\w{0,63}):=([^}\n]{0,256})\}/g;

/**
 * The variables a script sets to the machine itself: each that is given a literal value (no `$` in
 * it) is `loopback` when every such value is localhost, a 127.x address, 0.0.0.0 or ::1, and `other`
 * when one is not. Values taken from other variables (`addr="${LISTEN_ADDRESS}"`, the server's own
 * settings) do not count either way.
 */
export function hostDefaults(script: string): Map<string, HostDefault> {
  const out = new Map<string, HostDefault>();
  for (const m of script.matchAll(ASSIGNMENT)) {
    const name = m[1] ?? m[3]!;
    const value = (m[2] ?? m[4] ?? '').replace(/^(["'])(.*)\1$/, '$2');
    if (value.includes('$') || value.includes('`')) continue;
    const kind: HostDefault = LOOPBACK.test(value) ? 'loopback' : 'other';
    if (out.get(name) !== 'other') out.set(name, kind);
  }
  return out;
}

/**
 * Whether a request is a health check script's probe of its own server: the script is named as a
 * health check, the request sends no credential, and every URL's host is a variable that the script
 * (or the URL, `${HOST:-localhost}`) sets to the machine itself and to no other literal host. The
 * variable may still be set from outside (an environment file, the container's environment), as the
 * server's own address: the finding is lowered, not dropped.
 */
export function probesItself(script: ScriptProbe, facts: RequestFacts): boolean {
  const name = script.path.slice(script.path.lastIndexOf('/') + 1);
  if (!HEALTHCHECK_NAME.test(name) || facts.credential || facts.urls.length === 0) return false;
  return facts.urls.every((url) => {
    const m = VARIABLE_HOST.exec(url);
    if (!m) return false;
    const variable = m[1] ?? m[3]!;
    const inline = m[2];
    if (inline !== undefined && !LOOPBACK.test(inline)) return false;
    const set = script.defaults().get(variable);
    return set === 'loopback' || (set === undefined && inline !== undefined);
  });
}

/** A container's run-time instruction in a Dockerfile: what it runs is no part of the build. */
const CONTAINER_RUNTIME = /^[ \t]*(?:CMD|ENTRYPOINT|HEALTHCHECK)[ \t]/i;

/** Whether `line` of the file `path` is a Dockerfile's CMD, ENTRYPOINT or HEALTHCHECK. */
export function runsInContainer(path: string, line: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /(?:^|\.)(?:docker|container)file(?:\.|$)/i.test(base) && CONTAINER_RUNTIME.test(line);
}

/** Shell expansions within a word, replaced by a marker of the same length (what they hold is unknown). */
const EXPANSION =
  /\$\{[^}]{0,256}\}|\$\([^)]{0,256}\)|\$[A-Za-z_][A-Za-z0-9_]{0,255}|\$[0-9@*#?$!-]|`[^`]{0,256}`/g;

/** Suffixes of names that public DNS never resolves: special-use, Kubernetes, home networks. */
const INTERNAL_SUFFIX = /\.(?:internal|local|localdomain|lan|home\.arpa|svc|localhost)$/;

const PRIVATE_IPV4 = /^(?:10\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])|192\.168|169\.254)\.\d{1,3}\.\d{1,3}$/;

/**
 * The host of `url` as written, when it cannot be a public DNS name: it holds `_`, is a single label
 * (`http://db:8080`), ends in a special-use suffix (`.internal`, `.svc`, `.local`, ...) or is a
 * private address. Undefined for a public or unknown host (`https://$HOST/`).
 */
export function internalHost(url: string): string | undefined {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\//.exec(url);
  if (!scheme) return undefined;
  const rest = url.slice(scheme[0].length);
  const masked = rest.replace(EXPANSION, (m) => '\u0001'.repeat(m.length));
  let end = masked.search(/[/?#]/);
  if (end < 0) end = masked.length;
  const start = masked.lastIndexOf('@', end) + 1;
  let host = masked.slice(start, end);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    host = host.slice(0, close < 0 ? undefined : close + 1);
  } else if (host.includes(':')) {
    host = host.slice(0, host.indexOf(':'));
  }
  const written = rest.slice(start, start + host.length);
  host = host.toLowerCase().replace(/\.$/, '');
  if (host === '' || /^\u0001+$/.test(host)) return undefined;
  // Certificate authorities issue no certificate for a name with `_`, and no hostname holds one.
  if (host.includes('_')) return written;
  const known = !host.includes('\u0001');
  if (known && host.startsWith('[')) return /^\[(?:f[cd]|fe[89ab])/.test(host) ? written : undefined;
  if (known && /^[\d.]+$/.test(host)) return PRIVATE_IPV4.test(host) ? written : undefined;
  if (known && !host.includes('.')) return written;
  const literalTail = host.slice(host.lastIndexOf('\u0001') + 1);
  return INTERNAL_SUFFIX.test(literalTail) ? written : undefined;
}
