// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile `${VAR}` syntax is test data here.
import { afterAll, describe, expect, it } from 'vitest';
import {
  dockerfileRootUser,
  imageMatcher,
  NON_ROOT_IMAGES,
} from '../../src/core/evaluators/dockerfile/root-user.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const run = (text: string, nonRootImages = NON_ROOT_IMAGES) =>
  evaluate(dockerfileRootUser, { Dockerfile: text }, { nonRootImages });

describe('dockerfile.root-user', () => {
  it('trusts base images known to run as non-root, through stages and ARG defaults', async () => {
    expect(await run('FROM golang:1.22 AS build\nFROM gcr.io/distroless/static-debian12:nonroot\n')).toEqual(
      [],
    );
    expect(await run('ARG BASE=cgr.dev/chainguard/static:latest\nFROM ${BASE} AS base\nFROM base\n')).toEqual(
      [],
    );
    // The same images under a root tag, or a Chainguard image that runs as root, are still reported.
    expect((await run('FROM gcr.io/distroless/static-debian12:latest\n')).map(at)).toEqual([
      'Dockerfile:1:1',
    ]);
    expect((await run('FROM cgr.dev/chainguard/wolfi-base\n')).map(at)).toEqual(['Dockerfile:1:1']);
    // An explicit root USER is reported whatever the base.
    const explicit = await run('FROM gcr.io/distroless/base:nonroot\nUSER 0\n');
    expect(explicit.map((f) => [at(f), f.confidence])).toEqual([['Dockerfile:2:1', undefined]]);
    // Users add their own images.
    expect(await run('FROM registry.acme.example/base/app:3.1\n', ['registry.acme.example/base/*'])).toEqual(
      [],
    );
  });

  it('matches image patterns on registry, repository and tag, with exclusions', () => {
    const nonRoot = imageMatcher(NON_ROOT_IMAGES);
    expect(nonRoot(`gcr.io/distroless/java21-debian12:debug-nonroot@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(nonRoot('mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled')).toBe(true);
    expect(nonRoot('bitnami/minideb:bookworm')).toBe(false);
    expect(nonRoot('node:22')).toBe(false);
    expect(nonRoot('nonroot/app:1')).toBe(false);
  });

  it('reports a final stage without USER at its FROM line', async () => {
    const findings = await run(
      'FROM golang:1.22 AS build\nUSER app\n\nFROM debian:12\nCOPY --from=build /x /x\n',
    );
    expect(findings.map(at)).toEqual(['Dockerfile:4:1']);
    expect(findings[0]!.location).toMatchObject({ endLine: 4, endColumn: 14 });
    expect(findings[0]!.message).toContain('final stage (FROM debian:12) sets no USER');
    expect(findings[0]!.key).toBe('no-user');
    // Without a USER the base image decides: a likely problem, not a certain one.
    expect(findings[0]!.confidence).toBe('medium');
  });

  it.each([
    ['root', 'USER root'],
    ['0', 'USER 0'],
    ['root with group', 'USER root:root'],
    ['0 with group', 'USER 0:1000'],
    ['lower-case keyword', 'user root'],
    ['quoted', 'USER "root"'],
  ])('reports a last USER of %s at that line', async (_name, line) => {
    const findings = await run(`FROM alpine:3\nUSER app\n${line}\nCMD ["sh"]\n`);
    expect(findings.map(at)).toEqual(['Dockerfile:3:1']);
    expect(findings[0]!.message).toContain('runs as root');
  });

  it.each([
    ['a non-root name', 'USER app'],
    ['a non-root uid', 'USER 10001:10001'],
    ['a name that only starts with root', 'USER rootless'],
    ['a variable', 'USER ${UID}'],
    ['a bare variable', 'USER $UID:0'],
  ])('passes %s', async (_name, line) => {
    expect(await run(`FROM alpine:3\nUSER root\n${line}\n`)).toEqual([]);
  });

  it('follows the final stage to the earlier stage it is built from', async () => {
    const inheritsApp = await run('FROM alpine:3 AS base\nUSER app\nFROM base\nRUN true\n');
    expect(inheritsApp).toEqual([]);
    const inheritsRoot = await run('FROM alpine:3 AS base\nUSER root\nFROM base AS mid\nFROM mid\n');
    expect(inheritsRoot.map(at)).toEqual(['Dockerfile:2:1']);
    expect(inheritsRoot[0]!.message).toContain('inherited from stage "base"');
    const viaArg = await run('ARG BASE=base\nFROM alpine:3 AS base\nUSER app\nFROM ${BASE}\n');
    expect(viaArg).toEqual([]);
    const noneInChain = await run('FROM alpine:3 AS base\nFROM base\n');
    expect(noneInChain.map(at)).toEqual(['Dockerfile:2:1']);
  });

  it('does not read USER lines inside a heredoc or an ONBUILD', async () => {
    const findings = await run('FROM alpine:3\nUSER app\nONBUILD USER root\nRUN <<EOF\nUSER root\nEOF\n');
    expect(findings).toEqual([]);
  });

  it('reports the final stage only, and skips files without a stage', async () => {
    expect(await run('FROM alpine:3 AS build\nUSER root\nFROM alpine:3\nUSER 1000\n')).toEqual([]);
    expect(await run('# empty\n')).toEqual([]);
  });
});
