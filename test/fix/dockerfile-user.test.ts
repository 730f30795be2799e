import { afterAll, describe, expect, it } from 'vitest';
import { githubToken } from '../evaluators/secrets-kit.js';
import { cleanupTrees, roundTrip } from './round-trip.js';

afterAll(cleanupTrees);

const RULE = 'dockerfile-root-user';

const CASES: { name: string; input: string; output: string }[] = [
  {
    name: 'before the CMD of a single stage',
    input: 'FROM python:3.12-slim\nCOPY app /app\nCMD ["python", "/app/main.py"]\n',
    output: 'FROM python:3.12-slim\nCOPY app /app\nUSER 10001\nCMD ["python", "/app/main.py"]\n',
  },
  {
    name: 'before ENTRYPOINT and CMD, above the comment that describes them',
    input:
      'FROM node:22 AS build\nRUN npm ci\n\nFROM node:22-slim\nCOPY --from=build /app /app\n# start the server\nENTRYPOINT ["node"]\nCMD ["/app/server.js"]\n',
    output:
      'FROM node:22 AS build\nRUN npm ci\n\nFROM node:22-slim\nCOPY --from=build /app /app\nUSER 10001\n# start the server\nENTRYPOINT ["node"]\nCMD ["/app/server.js"]\n',
  },
  {
    name: 'after an explicit root USER, at the end when a RUN follows the CMD',
    input: 'FROM debian:12\nUSER root\nCMD ["app"]\nRUN apt-get update && \\\n    apt-get install -y curl',
    output:
      'FROM debian:12\nUSER root\nCMD ["app"]\nRUN apt-get update && \\\n    apt-get install -y curl\nUSER 10001',
  },
  {
    name: 'no CMD: at the end of the stage, CRLF kept',
    input: 'FROM alpine:3.20\r\nRUN apk add --no-cache tini\r\n',
    output: 'FROM alpine:3.20\r\nRUN apk add --no-cache tini\r\nUSER 10001\r\n',
  },
  {
    name: 'a final stage that inherits root from an earlier stage',
    input: 'FROM ubuntu:24.04 AS base\nUSER 0\n\nFROM base\nCMD ["bash"]\n',
    output: 'FROM ubuntu:24.04 AS base\nUSER 0\n\nFROM base\nUSER 10001\nCMD ["bash"]\n',
  },
];

describe('fix: USER in Dockerfiles', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { final } = await roundTrip({ Dockerfile: c.input }, RULE, { fixes: 1 });
      expect(final.Dockerfile).toBe(c.output);
    });
  }

  it('a stage a build targets is fixed in that stage, beside the final one', async () => {
    const { fixed, findings, final } = await roundTrip(
      {
        Dockerfile:
          'FROM node:22-slim AS release\nCOPY app /app\nCMD ["node", "/app/server.js"]\n\n' +
          'FROM node:22 AS debug\nRUN apt-get update && apt-get install -y gdb\n',
        Makefile:
          'release:\n\tdocker build --target release -t acme/app .\ndebug:\n\tdocker build -t acme/app:debug .\n',
      },
      RULE,
      { fixes: 2 },
    );
    expect(findings.map((f) => f.fix?.description)).toEqual([
      'Run the stage "release" as the unprivileged user 10001',
      'Run the final stage as the unprivileged user 10001',
    ]);
    expect(fixed[0]).toBe(
      'FROM node:22-slim AS release\nCOPY app /app\nUSER 10001\nCMD ["node", "/app/server.js"]\n\n' +
        'FROM node:22 AS debug\nRUN apt-get update && apt-get install -y gdb\n',
    );
    expect(final.Dockerfile).toBe(
      'FROM node:22-slim AS release\nCOPY app /app\nUSER 10001\nCMD ["node", "/app/server.js"]\n\n' +
        'FROM node:22 AS debug\nRUN apt-get update && apt-get install -y gdb\nUSER 10001\n',
    );
    // A stage that another is built FROM: a USER in it would run that stage's steps as 10001.
    const parent = await roundTrip(
      {
        Dockerfile:
          'FROM node:22-slim AS release\nCMD ["node"]\nFROM release AS debug\nRUN apt-get install -y gdb\n',
        Makefile: 'release:\n\tdocker build --target release -t acme/app .\n',
      },
      RULE,
      { fixes: 0 },
    );
    expect(parent.findings.map((f) => f.unfixable)).toEqual([
      'the stage "debug" is built FROM this one, and would run its steps as the new user too: set the user by hand',
    ]);
  });

  it('Windows images are left alone, with the reason', async () => {
    const { findings } = await roundTrip(
      { Dockerfile: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD ["cmd"]\n' },
      RULE,
      { fixes: 0 },
    );
    expect(findings[0]?.unfixable).toMatch(/Windows/);
  });

  it('a fix whose lines hold a secret is withheld, so no report or suggestion carries it', async () => {
    // A well-formed token (its checksum holds): one that fails it is a look-alike, not a secret.
    const token = githubToken();
    const { findings } = await roundTrip(
      { Dockerfile: `FROM node:22-slim\nRUN npm config set //npm.test/:_authToken ${token}\nCMD ["node"]\n` },
      RULE,
      { fixes: 0 },
    );
    expect(findings.map((f) => f.unfixable)).toEqual([
      'the lines it changes hold a secret value: fix them by hand',
    ]);
    expect(JSON.stringify(findings)).not.toContain(token);
  });

  it('so is one whose lines hold a password in a URL, even of an example host', async () => {
    const { findings } = await roundTrip(
      { Dockerfile: 'FROM debian:12\nADD https://deploy:Zk31aNqP0x8fJd@files.example/a.tgz /opt/\n' },
      RULE,
      { fixes: 0 },
    );
    expect(findings.map((f) => f.unfixable)).toEqual([
      'the lines it changes hold a secret value: fix them by hand',
    ]);
    expect(JSON.stringify(findings)).not.toContain('Zk31aNqP0x8fJd');
  });

  it('the image of a Docker container action keeps root, with the reason', async () => {
    const action = (image: string) =>
      `name: Lint\nruns:\n  using: 'docker'\n  image: '${image}'\n  args: ['--all']\n`;
    const docker = 'FROM alpine:3.20\nCOPY lint.sh /lint.sh\nENTRYPOINT ["/lint.sh"]\n';
    const { findings } = await roundTrip(
      {
        '.github/actions/lint/action.yml': action('Dockerfile'),
        '.github/actions/lint/Dockerfile': docker,
        'action.yaml': action('./docker/Dockerfile'),
        'docker/Dockerfile': docker,
      },
      RULE,
      { fixes: 0 },
    );
    expect(findings.map((f) => [f.location?.path, f.unfixable])).toEqual([
      ['.github/actions/lint/Dockerfile', expect.stringMatching(/^the image of a Docker container action/)],
      ['docker/Dockerfile', expect.stringMatching(/^the image of a Docker container action/)],
    ]);
    // A composite action beside a Dockerfile does not run it.
    const { final } = await roundTrip(
      {
        'action.yml': 'runs:\n  using: composite\n  steps: [{ run: make, shell: bash }]\n',
        Dockerfile: docker,
      },
      RULE,
      { fixes: 1 },
    );
    expect(final.Dockerfile).toBe(
      'FROM alpine:3.20\nCOPY lint.sh /lint.sh\nUSER 10001\nENTRYPOINT ["/lint.sh"]\n',
    );
  });

  it('an image that starts as root and switches to its own user is left to a person', async () => {
    const { findings } = await roundTrip(
      {
        'web/Dockerfile': 'FROM nginx:1.27-alpine\nCOPY site /usr/share/nginx/html\n',
        'db/Dockerfile':
          'FROM docker.io/library/postgres@sha256:abc\nCOPY init.sql /docker-entrypoint-initdb.d/\n',
        'app/Dockerfile': 'FROM php:8.3-apache AS app\nFROM app\nCOPY . /var/www/html\n',
        'proxy/Dockerfile': 'FROM nginxinc/nginx-unprivileged:1.27\nUSER root\nRUN apk add curl\n',
        // Jenkins' SSH agent: sshd must stay root to log the controller in as the jenkins user.
        'agent/Dockerfile': 'FROM jenkins/ssh-agent:4.1.0-jdk11\nRUN apt-get install -y python3\n',
      },
      RULE,
      { fixes: 1 },
    );
    expect(findings.map((f) => [f.location?.path, f.unfixable])).toEqual([
      ['agent/Dockerfile', expect.stringMatching(/^jenkins\/ssh-agent starts as root/)],
      ['app/Dockerfile', expect.stringMatching(/^php starts as root and switches to its own user/)],
      ['db/Dockerfile', expect.stringMatching(/^docker.io\/library\/postgres starts as root/)],
      ['proxy/Dockerfile', undefined],
      ['web/Dockerfile', expect.stringMatching(/^nginx starts as root/)],
    ]);
  });

  it('a base image known to run as non-root has no finding and no fix', async () => {
    const { findings } = await roundTrip(
      { Dockerfile: 'FROM gcr.io/distroless/static:nonroot\nCMD ["/app"]\n' },
      RULE,
      { fixes: 0 },
    );
    expect(findings).toEqual([]);
  });
});
