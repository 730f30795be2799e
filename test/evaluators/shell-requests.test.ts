// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell `${VAR}` expansions in URLs are test data here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import {
  type ContentForbiddenOptions,
  contentForbidden,
  type ForbiddenPattern,
} from '../../src/core/evaluators/generic/content-forbidden.js';
import { internalHost } from '../../src/core/evaluators/generic/request-grading.js';
import { MAX_LINE_CHARS } from '../../src/core/evaluators/generic/shared.js';
import { loadRules } from '../../src/core/rules/load.js';
import type { Finding, RawFinding } from '../../src/core/types.js';
import { cpuMs } from '../helpers/linear.js';
import { cleanup, makeTree, testRule, workspaceOf } from './kit.js';

afterAll(cleanup);

/** The curl and wget patterns of tls-verification-disabled, with their graded messages. */
function requestPatterns() {
  const rule = loadRules().find((r) => r.id === 'tls-verification-disabled')!;
  const patterns = (rule.check.with as { patterns: ForbiddenPattern[] }).patterns;
  const of = (client: string) => {
    const p = patterns.find((x) => typeof x !== 'string' && x.commands?.includes(client));
    if (typeof p !== 'object' || !p.message || !p.request) throw new Error(`no graded ${client} pattern`);
    const { request } = p;
    return {
      build: p.message,
      runtime: request.runtime.message,
      internal: (host: string) => request.internal.message.replace('{host}', host),
      healthcheck: `${request.runtime.message} ${request.healthcheck?.message}`,
      statusOnly: `${request.runtime.message} ${request.statusOnly?.message}`,
      buildStatusOnly: `${p.message} ${request.statusOnly?.message}`,
      shownOnly: `${request.runtime.message} ${request.shownOnly?.message}`,
    };
  };
  return { curl: of('curl'), wget: of('wget') };
}

const { curl, wget } = requestPatterns();

const workflow = (run: string) =>
  `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;

/**
 * [case, path, content, expected]: expected is [severity, confidence, message] of the one finding, or
 * null for none. Paths outside CI and build folders are runtime scripts (a container's entrypoint).
 */
const CASES: [string, string, string, [string, string, string] | null][] = [
  // (a) Plain HTTP: the flag checks nothing.
  ['http with a variable host', 'app/entrypoint.sh', 'curl --insecure -L http://$D/probe\n', null],
  ['every URL http', 'app/a.sh', 'curl -k http://a.example/x http://b.example/y\n', null],
  ['--url http', 'app/b.sh', 'curl -k --retry 3 --url http://a.example/x\n', null],
  ['wget to stdout, http', 'app/c.sh', 'wget --no-check-certificate -qO- http://a.example/x | jq .\n', null],
  [
    'http proxy, --proxy-insecure',
    'app/d.sh',
    'curl --proxy-insecure -x http://p.example:3128 https://a.example/\n',
    null,
  ],
  [
    'through a local socket',
    'app/e.sh',
    'curl -sk --unix-socket /run/docker.sock https://docker/info\n',
    null,
  ],
  [
    'one https URL among http',
    'app/f.sh',
    'curl -k http://a.example/x https://b.example/y\n',
    ['medium', 'high', curl.runtime],
  ],
  ['a variable URL is unknown', 'app/g.sh', 'curl -k "$URL"\n', ['medium', 'high', curl.runtime]],
  [
    'URLs from a config file',
    'app/h.sh',
    'curl -k -K urls.txt http://a.example/\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'proxy from the environment',
    'app/i.sh',
    'curl --proxy-insecure http://a.example/\n',
    ['medium', 'high', curl.runtime],
  ],
  // (b) What the response feeds.
  [
    'read by the script',
    'app/j.sh',
    'curl --silent --insecure https://api.example.com/v1 | jq .\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'captured in a variable',
    'app/k.sh',
    'ID=$(curl -sk https://api.example.com/v1)\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'stderr to a file',
    'app/l.sh',
    'curl -k https://api.example.com/v1 2> err.log\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'body discarded',
    'app/m.sh',
    "curl -k -o /dev/null -w '%{http_code}' https://api.example.com/\n",
    ['medium', 'high', curl.runtime],
  ],
  [
    'parsed by python -c',
    'app/n.sh',
    "curl -k https://api.example.com/v1 | python3 -c 'import sys; print(sys.stdin.read())'\n",
    ['medium', 'high', curl.runtime],
  ],
  [
    'read by sh -c',
    'app/n2.sh',
    'curl -sk https://api.example.com/v1 | sh -c \'read -r token; echo "${#token}"\'\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'wget --spider',
    'app/o.sh',
    'wget -q --spider --no-check-certificate https://api.example.com/health\n',
    // A spider checks that the page is there (a HEAD request): no body comes back.
    ['medium', 'low', wget.statusOnly],
  ],
  [
    'saved with -o',
    'app/p.sh',
    'curl -k https://dl.example.com/t.tgz -o /tmp/t.tgz\n',
    ['high', 'high', curl.build],
  ],
  [
    'saved with a -O cluster',
    'app/q.sh',
    'curl -fsSLkO https://dl.example.com/t.tgz\n',
    ['high', 'high', curl.build],
  ],
  [
    'saved with >',
    'app/r.sh',
    'curl -k https://api.example.com/v1 > state.json\n',
    ['high', 'high', curl.build],
  ],
  [
    'unpacked by tar',
    'app/s.sh',
    'curl -k https://dl.example.com/t.tgz | gunzip | tar x -C /opt\n',
    ['high', 'high', curl.build],
  ],
  [
    'piped into a shell',
    'app/t.sh',
    'curl -k https://dl.example.com/i.sh | sudo bash -s -- --yes\n',
    ['high', 'high', curl.build],
  ],
  [
    'run by bash <(...)',
    'app/u.sh',
    'bash <(curl -k https://dl.example.com/i.sh)\n',
    ['high', 'high', curl.build],
  ],
  ['run by eval', 'app/v.sh', 'eval "$(curl -k https://dl.example.com/env)"\n', ['high', 'high', curl.build]],
  [
    'wget saves by default',
    'app/w.sh',
    'wget --no-check-certificate https://dl.example.com/t.tgz\n',
    ['high', 'high', wget.build],
  ],
  [
    'script in a CI folder',
    'ci/deploy.sh',
    'curl -k https://api.example.com/v1 | jq .\n',
    ['high', 'high', curl.build],
  ],
  [
    'script under .github',
    '.github/scripts/x.sh',
    'curl -k https://api.example.com/v1 | jq .version\n',
    ['high', 'high', curl.build],
  ],
  [
    'script named for the build',
    'tools/docker-build.sh',
    'curl -k https://api.example.com/v1 | jq .version\n',
    ['high', 'high', curl.build],
  ],
  [
    'workflow run: step',
    '.github/workflows/ci.yml',
    workflow('curl -k https://api.example.com/v1 | jq .version'),
    ['high', 'high', curl.build],
  ],
  [
    'Dockerfile RUN',
    'img/Dockerfile',
    'FROM alpine:3.20\nRUN curl -k https://api.example.com/v1 | jq .version\n',
    ['high', 'high', curl.build],
  ],
  // (c') In a build, an answer only printed or thrown away puts nothing into it: a request to a service.
  [
    'workflow step that only prints the answer',
    '.github/workflows/probe.yml',
    workflow('curl --insecure https://app.example.com/health'),
    ['medium', 'high', curl.shownOnly],
  ],
  [
    'Dockerfile RUN discarding the answer',
    'img2/Dockerfile',
    'FROM alpine:3.20\nRUN curl -k -s -o /dev/null https://app.example.com/\n',
    ['medium', 'high', curl.shownOnly],
  ],
  [
    'printed in a loop whose output is piped',
    'ci/loop.sh',
    'while read -r u; do\n  curl -k "https://$u/"\ndone < hosts.txt | sh\n',
    ['high', 'high', curl.build],
  ],
  [
    'printed in a function whose call is redirected',
    'ci/fn.sh',
    'probe() {\n  curl -k https://app.example.com/\n}\nprobe > out.txt\n',
    ['high', 'high', curl.build],
  ],
  [
    'captured in a variable',
    '.github/workflows/capture.yml',
    workflow('V=$(curl -k https://api.example.com/v1)'),
    ['high', 'high', curl.build],
  ],
  [
    'printed, sending a credential',
    '.github/workflows/header.yml',
    workflow('curl -k -H "Authorization: Bearer $T" https://api.example.com/v1'),
    ['high', 'high', curl.build],
  ],
  [
    'printed in a branch',
    '.github/workflows/branch.yml',
    workflow('if [ -n "$U" ]; then curl -k https://app.example.com/; fi'),
    ['medium', 'high', curl.shownOnly],
  ],
  [
    'printed in a subshell that is piped on',
    '.github/workflows/subshell.yml',
    workflow('(curl -k https://app.example.com/) | sh'),
    ['high', 'high', curl.build],
  ],
  [
    'printed by wget',
    '.github/workflows/wget.yml',
    workflow('wget -qO- --no-check-certificate https://app.example.com/health'),
    ['medium', 'high', wget.shownOnly],
  ],
  [
    'Dockerfile HEALTHCHECK',
    'hc/Dockerfile',
    'FROM alpine:3.20\nHEALTHCHECK CMD curl -fk https://app.example.com/health || exit 1\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'Dockerfile RUN over http',
    'plain/Dockerfile',
    'FROM alpine:3.20\nRUN curl -k http://dl.example.com/x -o x\n',
    null,
  ],
  // (c) Hosts that cannot be public DNS names.
  [
    'compose network name with _',
    'c1/entrypoint.sh',
    'ID=$(curl --silent --insecure https://controller.${STACK}_internal/x | jq .)\n',
    ['medium', 'low', `${curl.runtime} ${curl.internal('controller.${STACK}_internal')}`],
  ],
  [
    'single label',
    'c2/entrypoint.sh',
    'curl -k https://db:8443/x\n',
    ['medium', 'low', `${curl.runtime} ${curl.internal('db')}`],
  ],
  [
    '.internal',
    'c3/entrypoint.sh',
    'curl -k https://vault.internal/v1\n',
    ['medium', 'low', `${curl.runtime} ${curl.internal('vault.internal')}`],
  ],
  [
    '.svc.cluster.local',
    'c4/entrypoint.sh',
    'curl -k https://api.${NS}.svc.cluster.local/x\n',
    ['medium', 'low', `${curl.runtime} ${curl.internal('api.${NS}.svc.cluster.local')}`],
  ],
  [
    '.lan',
    'c5/entrypoint.sh',
    'curl -k https://nas.lan/x\n',
    ['medium', 'low', `${curl.runtime} ${curl.internal('nas.lan')}`],
  ],
  [
    'private address',
    'c6/entrypoint.sh',
    'curl -k https://10.0.0.5/x\n',
    ['medium', 'low', `${curl.runtime} ${curl.internal('10.0.0.5')}`],
  ],
  [
    'wget, internal',
    'c7/entrypoint.sh',
    'wget -qO- --no-check-certificate https://cache.local/x\n',
    ['medium', 'low', `${wget.runtime} ${wget.internal('cache.local')}`],
  ],
  [
    'internal host in a build',
    '.github/workflows/n.yml',
    workflow('curl -k https://nexus.internal/t.tgz -o t.tgz'),
    ['high', 'low', `${curl.build} ${curl.internal('nexus.internal')}`],
  ],
  ['public address', 'c8/entrypoint.sh', 'curl -k https://8.8.8.8/x\n', ['medium', 'high', curl.runtime]],
  [
    'a variable host is unknown',
    'c9/entrypoint.sh',
    'curl -k https://$HOST/x\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'one public host among internal ones',
    'c10/entrypoint.sh',
    'curl -k https://db/x https://api.example.com/\n',
    ['medium', 'high', curl.runtime],
  ],
  // (e) A health check script's probe of its own server: every host a variable the script sets to
  // the machine itself, and no credential sent.
  [
    'health check, host defaulting to localhost',
    'healthcheck.sh',
    'if [ -z "${HC_HOST}" ]; then\n  HC_HOST=localhost\nfi\nwget --quiet --no-check-certificate --tries=1 --spider "${HC_SCHEME}://${HC_HOST}:${HC_PORT}/api/health" || exit 1\n',
    ['medium', 'low', wget.healthcheck],
  ],
  [
    'health check, host from the listen address or 127.0.0.1',
    'docker/healthcheck.sh',
    'addr="${LISTEN_ADDRESS}"\nif [ -z "${addr}" ] || [ "${addr}" = "0.0.0.0" ]; then\n    addr=\'127.0.0.1\'\nfi\ncurl --insecure --fail --silent "http${s}://${addr}:${PORT}${base}/alive" || exit 1\n',
    ['medium', 'low', curl.healthcheck],
  ],
  [
    'health check, a localhost default in the URL',
    'bin/docker-healthcheck.sh',
    '#!/bin/sh\ncurl -fsk "https://${HOST:-localhost}:8443/healthz"\n',
    ['medium', 'low', curl.healthcheck],
  ],
  [
    'health check, the variable also set to a remote host',
    'h1/healthcheck.sh',
    'HOST=localhost\n[ -n "$REMOTE" ] && HOST=status.example.com\ncurl -fsk "https://${HOST}/healthz"\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'health check, a remote default in the URL',
    'h2/healthcheck.sh',
    'curl -fsk "https://${HOST:-status.example.com}/healthz"\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'health check sending a credential',
    'h3/healthcheck.sh',
    'HOST=localhost\ncurl -fsk -u "admin:${ADMIN_PASSWORD}" "https://${HOST}:8443/healthz"\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'health check sending a header',
    'h4/healthcheck.sh',
    'HOST=localhost\nwget -q --no-check-certificate --header "Authorization: Bearer $T" -O /dev/null "https://${HOST}/healthz"\n',
    ['medium', 'high', wget.runtime],
  ],
  [
    'health check with a host the script never sets',
    'h5/healthcheck.sh',
    'curl -fsk "https://${UPSTREAM}/healthz"\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'readiness loop reading only the status of a HEAD request',
    'st1/entrypoint-tests.sh',
    'CR=$(curl --insecure -s -m 10 -I "${APP_URL}login" | grep -E "^HTTP" | cut -d" " -f2)\n',
    ['medium', 'low', curl.statusOnly],
  ],
  [
    'HEAD request by its long option, before the URL',
    'st2/wait.sh',
    'curl -k --head https://status.example.com/ready\n',
    ['medium', 'low', curl.statusOnly],
  ],
  [
    'HEAD request in a build',
    'st4/Dockerfile',
    'FROM alpine:3.20\nRUN curl -kI https://downloads.example.com/tool.tgz\n',
    ['high', 'low', curl.buildStatusOnly],
  ],
  [
    'HEAD request sending a credential',
    'st5/wait.sh',
    'curl -k -I -H "Authorization: Bearer $T" https://status.example.com/ready\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'HEAD request with a token in the query string',
    'st8/wait.sh',
    'curl -I -k "https://deploy.example.com/health?token=$T"\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'HEAD request with a signature after other parameters',
    'st9/wait.sh',
    'curl -k --head "https://b.example.com/o?sv=2024&sig=$S"\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'HEAD request with a secret expression in the URL',
    '.github/workflows/st10.yml',
    workflow('curl -I -k "https://deploy.example.com/health?v=${{ secrets.API_TOKEN }}"'),
    ['high', 'high', curl.build],
  ],
  [
    'HEAD request with a variable named like a secret in the path',
    'st11/wait.sh',
    'curl -k -I "https://hooks.example.com/${DEPLOY_TOKEN}/ping"\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'HEAD request reading a config file',
    'st12/wait.sh',
    'curl -I -k -K c.rc https://deploy.example.com/health\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'HEAD request with a query string of no credential',
    'st13/wait.sh',
    'curl -k -I "https://status.example.com/ready?ref=$GITHUB_SHA&page=2"\n',
    ['medium', 'low', curl.statusOnly],
  ],
  [
    'HEAD request whose headers are stored',
    'st6/wait.sh',
    'curl -k -I -o headers.txt https://status.example.com/ready\n',
    ['high', 'high', curl.build],
  ],
  [
    'GET request reading the status only',
    'st7/wait.sh',
    'curl -k -s -o /dev/null -w "%{http_code}" https://status.example.com/ready\n',
    ['medium', 'high', curl.runtime],
  ],
  [
    'not a health check, host defaulting to localhost',
    'h6/entrypoint.sh',
    'HOST=localhost\ncurl -fsk "https://${HOST}:8443/healthz"\n',
    ['medium', 'high', curl.runtime],
  ],
];

describe('tls-verification-disabled grades a request by its URLs, context and hosts', () => {
  let findings: Finding[] = [];

  beforeAll(async () => {
    const files = Object.fromEntries(CASES.map(([, path, content]) => [path, content]));
    expect(Object.keys(files).length).toBe(CASES.length);
    const report = await runCheck({
      root: makeTree(files),
      onlyRules: ['tls-verification-disabled'],
      failOn: 'never',
      persona: 'auditor',
    });
    expect(report.errors).toEqual([]);
    findings = report.findings;
  });

  it.each(CASES)('%s', (_name, path, _content, expected) => {
    const got = findings
      .filter((f) => f.location?.path === path)
      .map((f) => [f.severity, f.confidence, f.message]);
    expect(got).toEqual(expected ? [expected] : []);
  });

  it('says what a runtime request and an internal host are', () => {
    expect(curl.runtime).toMatch(/identity is not checked.*impersonate/);
    expect(curl.internal('db')).toMatch(/`db` can only be an internal host.*self-signed/);
    expect(curl.build).toMatch(/serve the download/);
  });
});

describe('internalHost', () => {
  it.each([
    ['https://controller.${STACK}_internal/x', 'controller.${STACK}_internal'],
    ['https://user:pw@db:5432/x', 'db'],
    ['https://DB.Internal./x', 'DB.Internal.'],
    ['https://${HOST:-x}.svc:8443/x', '${HOST:-x}.svc'],
    ['https://[fd00::1]:8443/', '[fd00::1]'],
    ['https://192.168.1.10', '192.168.1.10'],
    ['https://172.20.0.1/', '172.20.0.1'],
    ['https://172.32.0.1/', undefined],
    ['https://[2001:db8::1]/', undefined],
    ['https://api.example.com/', undefined],
    ['https://$HOST/', undefined],
    ['https://${PREFIX}db/', undefined],
    ['https://${HOST}:8443/', undefined],
    ['db:5432', undefined],
  ])('%s -> %s', (url, host) => {
    expect(internalHost(url)).toBe(host);
  });
});

describe('tls-verification-disabled on hostile request lines', () => {
  it('stays bounded on 20,000-character lines of requests', () => {
    const rule = loadRules().find((r) => r.id === 'tls-verification-disabled')!;
    const options = rule.check.with as unknown as ContentForbiddenOptions;
    const line = (unit: string) =>
      unit.repeat(Math.ceil(MAX_LINE_CHARS / unit.length)).slice(0, MAX_LINE_CHARS);
    const workspace = workspaceOf({
      // Every flag counts and every request is plain HTTP: each match is judged.
      'a.sh': `${line('curl -k http://a/ ')}\n`,
      'b.sh': `${line('curl -H curl -Hx -kk http://a/ ')}\n`,
      'c.sh': `${line('curl -k https://a_b/ | ')}\n`,
      'd.sh': `curl -k ${line('"$(curl -k http://a/)" ')}\n`,
      'e.sh': `curl -k ${line('-o ')}\n${line('wget --no-check-certificate -O- http://a/ | ')}\n`,
    });
    let found: RawFinding[] | Promise<RawFinding[]> = [];
    const used = cpuMs(() => {
      found = contentForbidden.evaluate({ rule: testRule('content.forbidden', {}), options, workspace });
    });
    expect(Array.isArray(found) && found.length).toBeGreaterThan(0);
    // A quadratic judgement of such lines takes seconds.
    expect(used).toBeLessThan(1500);
  });
});

describe('tls-verification-disabled: pip --trusted-host', () => {
  it('leaves out pypi.python.org, a host pip no longer downloads from, unless an index URL names it', async () => {
    const report = await runCheck({
      root: makeTree({
        Dockerfile: [
          'FROM python:3.13-slim',
          'RUN pip install --trusted-host pypi.python.org -r requirements.txt',
          'RUN pip install --trusted-host pypi.python.org --trusted-host files.pythonhosted.org flask==3.1.0',
          'RUN pip install -i https://pypi.python.org/simple --trusted-host pypi.python.org gunicorn==23.0.0',
          'RUN pip install --trusted-host=pypi.internal.example tool==1.0',
          '',
        ].join('\n'),
      }),
      onlyRules: ['tls-verification-disabled'],
      failOn: 'never',
      persona: 'auditor',
    });
    expect(report.errors).toEqual([]);
    expect(
      report.findings.map((f) => [
        `${f.location?.startLine}:${f.location?.startColumn}`,
        f.severity,
        f.confidence,
      ]),
    ).toEqual([
      ['3:48', 'high', 'high'],
      ['4:51', 'high', 'high'],
      ['5:17', 'high', 'high'],
    ]);
  });
});

describe('tls-verification-disabled: pip --trusted-host on plain HTTP and internal hosts', () => {
  const pip = (() => {
    const rule = loadRules().find((r) => r.id === 'tls-verification-disabled')!;
    const patterns = (rule.check.with as { patterns: ForbiddenPattern[] }).patterns;
    const p = patterns.find((x) => typeof x !== 'string' && x.trustedHost);
    if (typeof p !== 'object' || !p.message || !p.trustedHost) throw new Error('no pip pattern');
    const { trustedHost } = p;
    return {
      tls: p.message,
      plainHttp: trustedHost.plainHttp,
      internal: (host: string) => `${p.message} ${trustedHost.internal.message.replace('{host}', host)}`,
    };
  })();
  const REGISTRY_HTTP =
    'pip installs from a package index or link over plain HTTP, so packages can be swapped in transit.';

  // [case, path, content, findings as `line rule severity confidence message`]
  const CASES: [string, string, string, string[]][] = [
    [
      'a requirements file whose index of the host is http: left to dependency-registry-http',
      'app/requirements.txt',
      '--extra-index-url http://token:x@gitlab/api/v4/projects/4/packages/pypi/simple --trusted-host gitlab\nflask==3.1.0\n',
      [`1 dependency-registry-http high high ${REGISTRY_HTTP}`],
    ],
    [
      'the index on another line of the file, over https, to a public name',
      'svc/requirements.txt',
      '--index-url https://pypi.corp-example.io/simple\n--trusted-host pypi.corp-example.io\nflask==3.1.0\n',
      [`2 tls-verification-disabled high high ${pip.tls}`],
    ],
    [
      'an https index of a single-label host: internal, low confidence',
      'lib/requirements.txt',
      '--trusted-host nexus\n--index-url https://nexus/repository/pypi/simple\n',
      [`1 tls-verification-disabled high low ${pip.internal('nexus')}`],
    ],
    [
      'an http URL of the host in a comment does not count',
      'web/requirements.txt',
      '# mirror: --index-url http://pkgs.corp-example.io/simple\n--trusted-host pkgs.corp-example.io\n',
      [`2 tls-verification-disabled high high ${pip.tls}`],
    ],
    [
      'a command whose index of the host is http: reported as the plain-HTTP install it allows',
      'a/Dockerfile',
      'FROM python:3.13-slim\nRUN pip install --trusted-host pkgs.corp-example.io -i http://pkgs.corp-example.io/simple flask==3.1.0\n',
      [`2 tls-verification-disabled high high ${pip.plainHttp}`],
    ],
    [
      'one https index of the host among http ones: its certificate is skipped',
      'b/Dockerfile',
      'FROM python:3.13-slim\nRUN pip install --trusted-host pkgs.corp-example.io -i http://pkgs.corp-example.io/simple --extra-index-url https://pkgs.corp-example.io/extra x==1\n',
      [`2 tls-verification-disabled high high ${pip.tls}`],
    ],
    [
      'uv, a host under .internal over https',
      'c/Dockerfile',
      'FROM python:3.13-slim\nRUN uv pip install --allow-insecure-host=pypi.build.internal --index https://pypi.build.internal/simple x==1\n',
      [`2 tls-verification-disabled high low ${pip.internal('pypi.build.internal')}`],
    ],
    [
      'a host the command names in no index URL is judged by its name alone',
      'd/Dockerfile',
      'FROM python:3.13-slim\nRUN pip install --trusted-host pkgs.corp-example.io -r requirements.txt\n',
      [`2 tls-verification-disabled high high ${pip.tls}`],
    ],
  ];

  let findings: Finding[] = [];
  beforeAll(async () => {
    const report = await runCheck({
      root: makeTree(Object.fromEntries(CASES.map(([, path, content]) => [path, content]))),
      onlyRules: ['tls-verification-disabled', 'dependency-registry-http'],
      failOn: 'never',
      persona: 'auditor',
    });
    expect(report.errors).toEqual([]);
    findings = report.findings;
  });

  it.each(CASES)('%s', (_what, path, _content, expected) => {
    expect(
      findings
        .filter((f) => f.location?.path === path)
        .map((f) => `${f.location?.startLine} ${f.ruleId} ${f.severity} ${f.confidence} ${f.message}`),
    ).toEqual(expected);
  });
});

describe('tls-verification-disabled: package files named by path', () => {
  it('grades low a package manager flag on local package files only, not on a download or a repository install', async () => {
    const report = await runCheck({
      root: makeTree({
        Dockerfile: [
          'FROM alpine:3.21',
          'COPY dist/app_*.apk /tmp/',
          'RUN apk add --no-cache --allow-untrusted /tmp/app_*.apk',
          'RUN apk add --allow-untrusted curl',
          'RUN apk add --allow-untrusted https://pkgs.example/app.apk',
          'RUN apk add --allow-untrusted --repository https://pkgs.example/main ./app.apk',
          'RUN apk upgrade --allow-untrusted',
          'RUN dnf install -y --nogpgcheck ./build/app-1.0.x86_64.rpm',
          'RUN rpm -i --nosignature app.rpm extra.rpm',
          // An index of the packages the build made, signed next: nothing is installed.
          'RUN apk index --allow-untrusted -o /tmp/pkgs/APKINDEX.tar.gz /tmp/pkgs/*.apk',
          '',
        ].join('\n'),
      }),
      onlyRules: ['tls-verification-disabled'],
      failOn: 'never',
      persona: 'auditor',
    });
    expect(report.errors).toEqual([]);
    const LOCAL =
      'The command installs only package files named by path (built or copied into the build), not downloads; ' +
      'the flag still lets it take their dependencies from the repositories unsigned.';
    expect(
      report.findings.map((f) => [
        f.location?.startLine,
        f.severity,
        f.confidence,
        f.message.includes(LOCAL),
      ]),
    ).toEqual([
      [3, 'high', 'low', true],
      [4, 'high', 'high', false],
      [5, 'high', 'high', false],
      [6, 'high', 'high', false],
      [7, 'high', 'high', false],
      [8, 'high', 'low', true],
      [9, 'high', 'low', true],
    ]);
    expect(report.findings[0]!.message).toBe(
      `\`apk --allow-untrusted\` installs packages whose signatures are not verified. ${LOCAL}`,
    );
  });
});
