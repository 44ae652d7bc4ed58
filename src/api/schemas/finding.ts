/**
 * @module Findings as the API answers them: every field of a `vigil scan --format json` finding
 * (src/model/finding.ts) at top level, plus the service's own (status, times, resource, Vigil score).
 */
import { Type } from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const Severity = Type.Enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED']);

const Layer = Type.Object({ index: Type.Integer(), digest: Type.String(), diffId: Type.Optional(Type.String()) }, { additionalProperties: true });

/** The scanner's finding, as `vigil scan --format json` writes it. */
export const scanFindingProperties = {
  vulnerabilityId: Type.String(),
  aliases: Type.Array(Type.String()),
  title: Type.String(),
  severity: Severity,
  score: Nullable(Type.Number()),
  scoreSource: Type.String(),
  cvss: Type.Array(Type.Object({ version: Type.String(), vector: Type.String(), baseScore: Type.Number(), source: Type.String() })),
  epss: Nullable(Type.Object({ score: Type.Number(), percentile: Type.Number() })),
  kev: Nullable(Type.Object({ dateAdded: Type.String(), dueDate: Nullable(Type.String()), knownRansomwareCampaignUse: Nullable(Type.String()) })),
  exploitAvailable: Type.Enum(['YES', 'NO']),
  fixAvailable: Type.Enum(['YES', 'NO', 'PARTIAL']),
  fixedInVersion: Nullable(Type.String()),
  remediation: Nullable(Type.String()),
  package: Type.Object({
    ecosystem: Type.String(),
    name: Type.String(),
    version: Type.String(),
    purl: Type.String(),
    type: Type.String(),
    locations: Type.Array(Type.Object({ path: Type.String(), layer: Type.Optional(Layer) })),
  }),
  references: Type.Array(Type.String()),
  evidence: Type.Array(Type.Object({ advisoryId: Type.String(), ecosystem: Type.String(), name: Type.String(), version: Type.String(), range: Type.String() })),
};

export const ScanFinding = Type.Object(scanFindingProperties, { $id: 'ScanFinding' });

export const ServiceFinding = Type.Object(
  {
    id: Type.String(),
    status: Type.Enum(['ACTIVE', 'SUPPRESSED', 'CLOSED']),
    type: Type.Enum(['PACKAGE_VULNERABILITY', 'NETWORK_REACHABILITY', 'CODE_VULNERABILITY']),
    accountId: Type.String(),
    region: Type.String(),
    resourceId: Type.String(),
    resourceType: Type.Enum(['HOST', 'CONTAINER_IMAGE', 'FUNCTION']),
    firstObservedAt: Timestamp,
    lastObservedAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Nullable(Timestamp),
    vigilScore: Nullable(
      Type.Object({
        score: Type.Number(),
        scoreAdjustments: Type.Array(Type.Object({ metric: Type.String(), reason: Type.String() })),
      }),
    ),
    ...scanFindingProperties,
  },
  { $id: 'Finding' },
);
