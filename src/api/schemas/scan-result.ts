/**
 * @module The `vigil scan --format json` result as `POST /v1/scan-sbom` answers it (README, "Scan
 * results as JSON"). Objects the scanner may grow keep their extra fields.
 */
import { Type } from 'typebox';
import { Severity } from './finding.js';

const open = { additionalProperties: true } as const;

export const ScanResultSchema = Type.Object(
  {
    target: Type.Object({ kind: Type.String(), name: Type.String(), path: Type.String() }, open),
    os: Type.Union([Type.Object({ id: Type.String(), version: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
    findings: Type.Array(Type.Ref('ScanFinding')),
    warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String(), path: Type.Optional(Type.String()), count: Type.Optional(Type.Integer()) }, open)),
    summary: Type.Record(Severity, Type.Integer()),
  },
  { $id: 'ScanResult' },
);
