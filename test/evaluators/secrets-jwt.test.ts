import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/core/evaluators/secrets/scan.js';
import { rand } from './secrets-kit.js';

/** A signed token made up here: header, the given claims, a random signature. */
const token = (claims: Record<string, unknown>) => {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${rand(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`;
};

const outcome = (claims: Record<string, unknown>) =>
  scanText('api/openapi.yaml', `        example: '${token(claims)}'`).map(
    (h) => `${h.detector}:${h.confidence}`,
  );

describe('jwt: a token of a documentation or loopback issuer is sample data', () => {
  it.each([
    [
      'an OpenID issuer at example.com',
      { iss: 'https://auth.example.com/', sub: 'u-1', iat: 1514797892 },
      [],
    ],
    ['no issuer, an audience at a .test host', { aud: ['https://api.shop.test'], sub: 'u-1' }, []],
    ['a bare localhost issuer', { iss: 'localhost', sub: 'svc' }, []],
    [
      "Supabase's local-development issuer",
      { iss: 'supabase-demo', role: 'service_role', exp: 1983812996 },
      [],
    ],
    ['a loopback address', { iss: 'http://127.0.0.1:8080/realms/dev', sub: 'svc' }, []],
    ['a real-looking issuer', { iss: 'https://login.payments-corp.io/', sub: 'svc' }, ['jwt:medium']],
    [
      'an issuer that only contains the word',
      { iss: 'https://example.com.payments-corp.io/', sub: 's' },
      ['jwt:medium'],
    ],
    ['an issuer that is not a URL or host', { iss: 'payments api', sub: 'svc' }, ['jwt:medium']],
    ['no issuer or audience', { sub: 'svc', scope: 'deploy' }, ['jwt:medium']],
  ])('%s', (_what, claims, expected) => {
    expect(outcome(claims)).toEqual(expected);
  });
});

describe('a sample token is sample data in an Authorization header too', () => {
  const hits = (claims: Record<string, unknown>) =>
    scanText('docs/auth.md', `curl -H "Authorization: Bearer ${token(claims)}" https://api.shop.test/`).map(
      (h) => `${h.detector}:${h.confidence}`,
    );

  it("leaves a documentation issuer's token alone and reports a real-looking one once", () => {
    expect(hits({ iss: 'http://dex.example.com:32000', sub: 'u-1' })).toEqual([]);
    expect(hits({ iss: 'https://login.payments-corp.io/', sub: 'svc' })).toEqual(['jwt:medium']);
  });
});

describe('example files: guesses are for the reader to replace, tokens of a known format are not', () => {
  it('lowers a password in terraform.tfvars.example and keeps a real-looking JWT in .env.example', () => {
    const password = scanText(
      'quickstart/terraform.tfvars.example',
      'synadmin_password = "Qx7#mL2vP9$wZr4T"',
    ).map((h) => `${h.detector}:${h.confidence}:${h.note ?? ''}`);
    expect(password).toEqual(['generic-secret-assignment:low:in an example file']);
    const jwt = scanText(
      'packages/adapter/.env.example',
      `SERVICE_ROLE_KEY=${token({ iss: 'https://login.payments-corp.io/', role: 'service_role' })}`,
    ).map((h) => `${h.detector}:${h.confidence}`);
    expect(jwt).toEqual(['jwt:medium']);
  });
});

describe('documentation: a token that names no issuer, subject, audience or time is a usage example', () => {
  const HS256 = (claims: Record<string, unknown>) => {
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${part({ typ: 'JWT', alg: 'HS256' })}.${part(claims)}.${rand(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`;
  };
  it.each<[what: string, path: string, claims: Record<string, unknown>, expected: string[]]>([
    [
      "a library's usage example in its README",
      'README.rst',
      { some: 'payload' },
      ['jwt:low:in documentation, with no issuer, subject, audience or time'],
    ],
    [
      'in a Markdown guide',
      'guide/auth.md',
      { user_id: 42, role: 'admin' },
      ['jwt:low:in documentation, with no issuer, subject, audience or time'],
    ],
    ['the same token in code is judged as a token', 'src/client.py', { some: 'payload' }, ['jwt:medium:']],
    [
      'a token a service issued, pasted into documentation',
      'README.md',
      { iss: 'https://login.payments-corp.io/', sub: 'svc' },
      ['jwt:medium:'],
    ],
    ['a time stamp alone says a service issued it', 'README.md', { nbf: 1646000000 }, ['jwt:medium:']],
  ])('%s', (_what, path, claims, expected) => {
    const line = `    ${HS256(claims)}`;
    expect(scanText(path, line).map((h) => `${h.detector}:${h.confidence}:${h.note ?? ''}`)).toEqual(
      expected,
    );
  });
});
