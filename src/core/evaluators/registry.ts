import { composeCapabilities } from './compose/capabilities.js';
import { composeDevices } from './compose/devices.js';
import { composeDockerSocket } from './compose/docker-socket.js';
import { composeHostMounts } from './compose/host-mounts.js';
import { composeHostNamespaces } from './compose/host-namespaces.js';
import { composeImageTag } from './compose/image-tag.js';
import { composePrivileged } from './compose/privileged.js';
import { composeSecurityOpt } from './compose/security-opt.js';
import { inputProblems } from './core/input-problems.js';
import { dataPersonalData } from './data/personal-data.js';
import { depsGitBranch } from './deps/git-branch.js';
import { depsLicense } from './deps/license.js';
import { depsSbomCoverage } from './deps/sbom-coverage.js';
import { depsUpdateCoverage } from './deps/update-coverage.js';
import { depsUpdateTool } from './deps/update-tool.js';
import { dockerfileAddUrl } from './dockerfile/add-url.js';
import { dockerfileBaseImage } from './dockerfile/base-image.js';
import { dockerfileBaseImageDigest } from './dockerfile/base-image-digest.js';
import { dockerfileExposedPorts } from './dockerfile/exposed-ports.js';
import { dockerfileRootUser } from './dockerfile/root-user.js';
import { dockerfileRunCommand } from './dockerfile/run-command.js';
import { dockerfileSecretEnv } from './dockerfile/secret-env.js';
import { evidenceDocument } from './evidence/document.js';
import { contentForbidden } from './generic/content-forbidden.js';
import { contentRequired } from './generic/content-required.js';
import { fileAbsent } from './generic/file-absent.js';
import { fileExists } from './generic/file-exists.js';
import { structuredSchema } from './generic/structured-schema.js';
import { githubBranchProtection } from './github/branch-protection.js';
import { githubEnvironmentReviewers } from './github/environment-reviewers.js';
import { githubSecurityFeatures } from './github/security-features.js';
import { githubWorkflowToken } from './github/workflow-token.js';
import { k8sCapabilities } from './k8s/capabilities.js';
import { k8sEnvSecretLiteral } from './k8s/env-secret-literal.js';
import { k8sHostNamespaces } from './k8s/host-namespaces.js';
import { k8sHostPath } from './k8s/host-path.js';
import { k8sHostPort } from './k8s/host-port.js';
import { k8sImageTag } from './k8s/image-tag.js';
import { k8sPrivilegeEscalation } from './k8s/privilege-escalation.js';
import { k8sPrivileged } from './k8s/privileged.js';
import { k8sRbac } from './k8s/rbac.js';
import { k8sReadOnlyRootFs } from './k8s/read-only-root-fs.js';
import { k8sResourceLimits } from './k8s/resource-limits.js';
import { k8sRunAsRoot } from './k8s/run-as-root.js';
import { k8sSeccomp } from './k8s/seccomp.js';
import { k8sSingleReplica } from './k8s/single-replica.js';
import { policyEvaluators } from './policy/policy.js';
import { binaryExecutables } from './repo/binary-executables.js';
import { depsLockfile } from './repo/deps-lockfile.js';
import { gitignoreMustIgnore } from './repo/gitignore-must-ignore.js';
import { repoVendoredOwnership } from './repo/vendored-ownership.js';
import { secretsScan } from './secrets/evaluator.js';
import { terraformAttribute } from './terraform/attribute.js';
import { terraformAuditAccess } from './terraform/audit-access.js';
import { terraformOpenEgress } from './terraform/open-egress.js';
import { terraformOpenIngress } from './terraform/open-ingress.js';
import { terraformProviderCredentials } from './terraform/provider-credentials.js';
import { terraformS3Encryption } from './terraform/s3-encryption.js';
import type { Evaluator } from './types.js';
import { workflowAdhocPackages } from './workflow/adhoc-packages.js';
import { workflowAnonymousDefinition } from './workflow/anonymous-definition.js';
import { workflowArchivedUses } from './workflow/archived-uses.js';
import { workflowBotConditions } from './workflow/bot-conditions.js';
import { workflowCachePoisoning } from './workflow/cache-poisoning.js';
import { workflowCheckoutCredentials } from './workflow/checkout-credentials.js';
import { workflowConcurrencyLimits } from './workflow/concurrency-limits.js';
import { workflowContainerCredentials } from './workflow/container-credentials.js';
import { workflowDangerousTriggers } from './workflow/dangerous-triggers.js';
import { workflowDependabotCooldown } from './workflow/dependabot-cooldown.js';
import { workflowDeployEnvironment } from './workflow/deploy-environment.js';
import { workflowDownloadUnverified } from './workflow/download-unverified.js';
import { workflowForbiddenUses } from './workflow/forbidden-uses.js';
import { workflowGithubEnv } from './workflow/github-env.js';
import { workflowImpostorCommit } from './workflow/impostor-commit.js';
import { workflowInsecureCommands } from './workflow/insecure-commands.js';
import { workflowInsecureUrlScheme } from './workflow/insecure-url-scheme.js';
import { workflowKnownVulnerableActions } from './workflow/known-vulnerable-actions.js';
import { workflowMisfeature } from './workflow/misfeature.js';
import { workflowObfuscation } from './workflow/obfuscation.js';
import { workflowOverprovisionedSecrets } from './workflow/overprovisioned-secrets.js';
import { workflowPermissions } from './workflow/permissions.js';
import { workflowPrEvidence } from './workflow/pr-evidence.js';
import { workflowRefConfusion } from './workflow/ref-confusion.js';
import { workflowRefVersionMismatch } from './workflow/ref-version-mismatch.js';
import { workflowRemoteScript } from './workflow/remote-script.js';
import { workflowSecretInCommandLine } from './workflow/secret-command-line.js';
import { workflowSecretPrintedUnmasked } from './workflow/secret-printed.js';
import { workflowSecretsInherit } from './workflow/secrets-inherit.js';
import { workflowSecretsOutsideEnv } from './workflow/secrets-outside-env.js';
import { workflowSelfHostedRunner } from './workflow/self-hosted-runner.js';
import { workflowStaleActionRefs } from './workflow/stale-action-refs.js';
import { workflowSuperfluousActions } from './workflow/superfluous-actions.js';
import { workflowSyntax } from './workflow/syntax.js';
import { workflowTemplateInjection } from './workflow/template-injection.js';
import { workflowUndocumentedPermissions } from './workflow/undocumented-permissions.js';
import { workflowUnpinnedImages } from './workflow/unpinned-images.js';
import { workflowUnpinnedUses } from './workflow/unpinned-uses.js';
import { workflowUnredactedSecrets } from './workflow/unredacted-secrets.js';
import { workflowUnsoundCondition } from './workflow/unsound-condition.js';
import { workflowUnsoundContains } from './workflow/unsound-contains.js';
import { workflowUseTrustedPublishing } from './workflow/use-trusted-publishing.js';

/**
 * Every evaluator, keyed by `check.kind`. Explicit on purpose: the bundle cannot discover code at run
 * time, and a test checks that every rule's kind is here and every evaluator has fixtures.
 */
const EVALUATORS: readonly Evaluator<never>[] = [
  fileExists,
  fileAbsent,
  contentForbidden,
  contentRequired,
  structuredSchema,
  depsLockfile,
  depsUpdateCoverage,
  depsUpdateTool,
  depsGitBranch,
  binaryExecutables,
  gitignoreMustIgnore,
  workflowUnpinnedUses,
  workflowPermissions,
  workflowTemplateInjection,
  workflowDangerousTriggers,
  workflowUnpinnedImages,
  workflowCheckoutCredentials,
  workflowSecretsInherit,
  workflowOverprovisionedSecrets,
  workflowContainerCredentials,
  workflowInsecureCommands,
  workflowSelfHostedRunner,
  workflowRemoteScript,
  workflowDownloadUnverified,
  workflowPrEvidence,
  workflowDeployEnvironment,
  dockerfileBaseImage,
  dockerfileRootUser,
  dockerfileBaseImageDigest,
  dockerfileAddUrl,
  dockerfileSecretEnv,
  dockerfileRunCommand,
  dockerfileExposedPorts,
  secretsScan,
  k8sPrivileged,
  k8sPrivilegeEscalation,
  k8sRunAsRoot,
  k8sHostNamespaces,
  k8sHostPath,
  k8sImageTag,
  k8sResourceLimits,
  k8sEnvSecretLiteral,
  k8sReadOnlyRootFs,
  k8sHostPort,
  k8sCapabilities,
  composePrivileged,
  composeHostNamespaces,
  composeDockerSocket,
  composeCapabilities,
  composeDevices,
  composeSecurityOpt,
  composeHostMounts,
  composeImageTag,
  k8sSeccomp,
  k8sRbac,
  terraformAttribute,
  terraformS3Encryption,
  terraformOpenIngress,
  terraformProviderCredentials,
  githubBranchProtection,
  githubSecurityFeatures,
  githubWorkflowToken,
  githubEnvironmentReviewers,
  inputProblems,
  ...policyEvaluators,
  k8sSingleReplica,
  dataPersonalData,
  repoVendoredOwnership,
  terraformOpenEgress,
  terraformAuditAccess,
  evidenceDocument,
  depsLicense,
  depsSbomCoverage,
  workflowAdhocPackages,
  workflowAnonymousDefinition,
  workflowArchivedUses,
  workflowBotConditions,
  workflowCachePoisoning,
  workflowConcurrencyLimits,
  workflowDependabotCooldown,
  workflowForbiddenUses,
  workflowGithubEnv,
  workflowImpostorCommit,
  workflowInsecureUrlScheme,
  workflowKnownVulnerableActions,
  workflowMisfeature,
  workflowObfuscation,
  workflowRefConfusion,
  workflowRefVersionMismatch,
  workflowSecretInCommandLine,
  workflowSecretPrintedUnmasked,
  workflowSecretsOutsideEnv,
  workflowStaleActionRefs,
  workflowSuperfluousActions,
  workflowUndocumentedPermissions,
  workflowUnredactedSecrets,
  workflowUnsoundCondition,
  workflowUnsoundContains,
  workflowUseTrustedPublishing,
  workflowSyntax,
] as readonly Evaluator<never>[];

const BY_KIND = new Map<string, Evaluator<unknown>>(
  EVALUATORS.map((e) => [e.kind, e as unknown as Evaluator<unknown>]),
);

/** The evaluator for a `check.kind`, or undefined. */
export function getEvaluator(kind: string): Evaluator<unknown> | undefined {
  return BY_KIND.get(kind);
}

/** All registered evaluators, in registration order. */
export function allEvaluators(): readonly Evaluator<unknown>[] {
  return [...BY_KIND.values()];
}
