/**
 * The subset of SARIF 2.1.0 (OASIS) that controlgate emits, typed by hand: enough for GitHub code
 * scanning and other consumers, with no dependency on a SARIF library.
 */
import type { Finding, Severity } from '../core/types.js';

/** `result.level` and `reportingConfiguration.level` (SARIF 2.1.0 §3.27.10). */
export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/** A message or multiformat message string: plain text, optionally with a Markdown variant. */
export interface SarifMessage {
  text: string;
  markdown?: string;
}

/** A text region: 1-based lines and columns; `endColumn` is exclusive (§3.30). */
export interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

/** A physical location: a file relative to `uriBaseId`, and the region in it. */
export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: SarifRegion;
  };
}

/** A rule in `tool.driver.rules` (§3.49); GitHub reads `properties.tags` and `security-severity`. */
export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; 'security-severity': string; precision?: string };
}

/** Why a result is not to be acted on (§3.35): in source (an ignore comment) or external (an exception). */
export interface SarifSuppression {
  kind: 'inSource' | 'external';
  status?: 'accepted' | 'underReview' | 'rejected';
  justification?: string;
}

/** One finding (§3.27). */
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: SarifSuppression[];
  properties: {
    controls: string[];
    status: Finding['status'];
    severity: Severity;
    confidence: Finding['confidence'];
    blocking: boolean;
    isNew?: boolean;
    /** The grade (`severity/confidence`) the base commit had, when the change raised it. */
    raisedFrom?: string;
    /** The finding is about the repository as a whole; its location is the file chosen to hold it. */
    repositoryLevel?: true;
  };
}

/**
 * A tool execution notification (§3.58): a rule that failed to run (`error`), or files a rule left out
 * on purpose (`note`, with the files as its locations).
 */
export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
  associatedRule?: { id: string; index?: number };
}

/** One run of controlgate (§3.14). */
export interface SarifRun {
  tool: {
    driver: {
      name: string;
      version: string;
      semanticVersion: string;
      informationUri: string;
      rules: SarifReportingDescriptor[];
    };
  };
  invocations: { executionSuccessful: boolean; toolExecutionNotifications: SarifNotification[] }[];
  columnKind: 'utf16CodeUnits' | 'unicodeCodePoints';
  results: SarifResult[];
  /** Tells runs of one log apart (§3.17): the aggregate's run per repository. */
  automationDetails?: { id: string };
}

/** The root object of a SARIF 2.1.0 log (§3.13). */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}
