/**
 * What a secret's name says it holds, read word by word (split on `_` and `-`, any case). Repositories
 * keep in secrets much that is no credential: the name of the image to push, the account to sign in
 * as, the host to deploy to, the region, the id of an app. The rules that judge secrets by their name
 * (a secret in a program's arguments, a deployment credential outside an environment) ask this one
 * classifier, so that they agree on each name.
 *
 * - `identifier`: the name ends in a word for what names, addresses or identifies something, or for a
 *   public key (`DOCKER_ORG_NAME`, `WEB_IMAGE_NAME`, `HUB_NAMESPACE`, `QUAY_BOT_USERNAME`,
 *   `AZURE_CLIENT_ID`, `DEPLOY_HOST`, `AWS_ROLE_ARN`, `SSH_PUBLIC_KEY`). Credential words before it
 *   do not change that: `AZURE_CERT_PROFILE_NAME` names a certificate profile, `GPG_KEY_ID` a key,
 *   `NPM_TOKEN_NAME` a token, each held elsewhere. Words after it that only say which one
 *   (`S3_BUCKET_RELEASE`, `DEPLOY_HOST_STAGING`) keep it an identifier; any other word after it
 *   decides instead (`DEPLOY_HOST_SSH_KEY`, `BUCKET_WRITE_TOKEN`, `GITHUB_APP_PEM`).
 * - `key-id`: an access key's id (`AWS_ACCESS_KEY_ID`): it names the key and authenticates nothing
 *   alone, but it is half of a credential whose secret half (`AWS_SECRET_ACCESS_KEY`) is stored
 *   beside it, so a rule that asks where credentials are kept may still want it kept with its secret.
 * - `stand-in`: a word of the name says the value is a stand-in (`DUMMY_ENCRYPTION_KEY`,
 *   `FAKE_API_TOKEN`, `MOCK_PASSWORD`): what a test or a validation build is given where the real
 *   credential would go, kept in secrets only so that the workflow reads it as it would the real one.
 * - `credential`: anything else, a name that says credential (`..._PASSWORD`, `..._TOKEN`, `..._KEY`,
 *   `..._CERT`, `..._PAT`) or says nothing (`DOCKERHUB`): a secret is taken for a credential unless
 *   its name says otherwise.
 *
 * Some identifiers hold a credential after all, and stay credentials: a URL with a hook or a database
 * before it (`SLACK_WEBHOOK_URL`, `DATABASE_URL`: the hook's token, the database's password are in
 * it, as in a presigned or SAS URL), the id of a secret or a session (`VAULT_SECRET_ID`, AppRole's
 * password half; `..._SESSION_ID`) and an SSH identity (`DEPLOY_SSH_IDENTITY`, a private key file).
 */
export type SecretNameKind = 'identifier' | 'key-id' | 'stand-in' | 'credential';

/** A word of a secret's name that says its value stands in for a credential. */
const STAND_IN = /^(?:DUMMY|FAKE|MOCK|MOCKED|PLACEHOLDER)$/;

/** A word that names, addresses or identifies something, as the last word of a secret's name. */
const IDENTIFIER_WORD = new Set(
  (
    'NAME NAMES SLUG NAMESPACE ALIAS ID IDS IDENTIFIER USER USERNAME LOGIN EMAIL ACTOR OWNER ORG ORGANIZATION ' +
    'ORGANISATION ACCOUNT TENANT SUBSCRIPTION PROJECT CLIENT APP IDENTITY PROVIDER POOL ROLE ARN ' +
    'HOST HOSTNAME HOSTS IP IPV4 IPV6 ADDR ADDRESS PORT DOMAIN REGION ZONE URL URI ENDPOINT REPO ' +
    'REPOSITORY IMAGE CONTAINER BUCKET RESOURCEGROUP OCID FINGERPRINT PUB PUBLIC PUBKEY PUBKEYS PUBLICKEY PUBLICKEYS'
  ).split(' '),
);

/**
 * A word after an identifier's word that only says which one (`S3_BUCKET_RELEASE`,
 * `DEPLOY_HOST_STAGING_EU`, `REGISTRY_URL_TEMPLATE`): a stage or environment, a region, a platform, a
 * number, what a bucket holds. Any other word after it may say what is held (`PROJECT_WRITER` is a
 * token, `ACCOUNT_JSON` a key file): the name is then read as a credential.
 */
const QUALIFIER =
  /^(?:\d+|V\d+|PROD|PRODUCTION|PRD|PREPROD|STAGING|STAGE|STG|DEV|DEVELOP|DEVELOPMENT|TEST|TESTS|TESTING|QA|UAT|PREVIEW|SANDBOX|DEMO|LIVE|BETA|ALPHA|CANARY|NIGHTLY|EDGE|RELEASE|RELEASES|SNAPSHOT|SNAPSHOTS|MAIN|MASTER|CI|INTERNAL|EXTERNAL|PRIMARY|SECONDARY|BACKUP|BACKUPS|MIRROR|OLD|NEW|LEGACY|EU|US|UK|ASIA|APAC|EMEA|EAST|WEST|NORTH|SOUTH|CENTRAL|LOCAL|REMOTE|SOURCE|SOURCES|TARGET|DEST|DESTINATION|TEMPLATE|LINUX|WINDOWS|MACOS|DARWIN|IOS|ANDROID|WEB|DOCS|SITE|CACHE|ARTIFACTS|ASSETS|LOGS|UPLOADS|DOWNLOADS)$/;

/**
 * Words before a URL that say it carries a credential: a webhook's URL is its token, a database's or
 * broker's connection URL holds its password, a presigned or SAS URL its signature.
 */
const CARRIES_CREDENTIAL =
  /HOOK|^(?:DATABASE|DB|\w+DB|POSTGRES|POSTGRESQL|PG|PSQL|MYSQL|MSSQL|MARIADB|MONGO|REDIS|VALKEY|AMQP|RABBITMQ|BROKER|MQTT|SMTP|CONNECTION|CONN|DSN|SIGNED|PRESIGNED|SAS)$/;

/** What a secret's name says it holds: see {@link SecretNameKind}. */
export function secretNameKind(name: string): SecretNameKind {
  const words = name.toUpperCase().split(/[_-]+/).filter(Boolean);
  if (words.some((w) => STAND_IN.test(w))) return 'stand-in';
  // The last word decides, once the words that only qualify it are left off.
  let k = words.length - 1;
  while (k > 0 && QUALIFIER.test(words[k]!)) k--;
  return k >= 0 ? (identifierAt(words, k) ?? 'credential') : 'credential';
}

/** What the word at `k` says as the last word that counts, when it says identifier (or key-id). */
function identifierAt(words: readonly string[], k: number): SecretNameKind | undefined {
  const word = words[k]!;
  const before = words[k - 1] ?? '';
  // A public key: `SSH_PUBLIC_KEY`, `AWS_PUB_KEYS`.
  if (/^KEYS?$/.test(word)) return /^PUB(?:LIC)?$/.test(before) ? 'identifier' : undefined;
  // An access key's id: `ACCESS_KEY_ID`, `ACCESSKEY_ID`, `ACCESS_KEYID`, `ACCESSKEYID`.
  if (/(?:^|_)ACCESS_?KEY_?ID$/.test(words.slice(Math.max(0, k - 2), k + 1).join('_'))) return 'key-id';
  // A key's id, name or alias in one word: `GPG_KEYID`, `SIGNING_KEYPAIRNAME`.
  if (/^KEY(?:PAIR)?(?:ID|NAME|ALIAS)$/.test(word)) return 'identifier';
  if (word === 'GROUP') return before === 'RESOURCE' ? 'identifier' : undefined;
  if (!IDENTIFIER_WORD.has(word)) return undefined;
  if ((word === 'ID' || word === 'IDS') && /SECRET|SESSION/.test(before)) return 'credential';
  if (word === 'IDENTITY' && /SSH/.test(before)) return 'credential';
  if (/^(?:URL|URI|ENDPOINT)$/.test(word) && words.slice(0, k).some((w) => CARRIES_CREDENTIAL.test(w)))
    return 'credential';
  return 'identifier';
}
