/**
 * @module Inspector's filter criteria as a JSON schema, for validation at the door and for the
 * OpenAPI document. The rules a schema cannot say (values of enumerated keys, string lengths
 * per key) are checked again by `parseCriteria` in src/findings/criteria.ts.
 */
import { Type } from 'typebox';
import { MAX_ENTRIES_PER_KEY, MAX_STRING_LENGTH } from '../../findings/index.js';

const entries = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Array(item, { minItems: 1, maxItems: MAX_ENTRIES_PER_KEY });

const StringFilter = Type.Object(
  { comparison: Type.Enum(['EQUALS', 'PREFIX', 'NOT_EQUALS']), value: Type.String({ minLength: 1, maxLength: MAX_STRING_LENGTH }) },
  { additionalProperties: false },
);
const NumberFilter = Type.Object({ lowerInclusive: Type.Optional(Type.Number()), upperInclusive: Type.Optional(Type.Number()) }, { additionalProperties: false });
const DateFilter = Type.Object(
  { startInclusive: Type.Optional(Type.String({ maxLength: 64 })), endInclusive: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
const MapFilter = Type.Object(
  { comparison: Type.Literal('EQUALS'), key: Type.String({ minLength: 1, maxLength: 128 }), value: Type.Optional(Type.String({ maxLength: 256 })) },
  { additionalProperties: false },
);
const PackageFilter = Type.Object(
  {
    name: Type.Optional(StringFilter),
    version: Type.Optional(StringFilter),
    epoch: Type.Optional(NumberFilter),
    release: Type.Optional(StringFilter),
    architecture: Type.Optional(StringFilter),
    filePath: Type.Optional(StringFilter),
    sourceLayerHash: Type.Optional(StringFilter),
  },
  { additionalProperties: false },
);

const stringKeys = ['accountId', 'region', 'resourceId', 'resourceType', 'severity', 'findingStatus', 'findingType', 'vulnerabilityId', 'fixAvailable', 'exploitAvailable', 'title', 'packageEcosystem', 'filePath'] as const;

export const FilterCriteriaSchema = Type.Object(
  {
    ...Object.fromEntries(stringKeys.map((key) => [key, Type.Optional(entries(StringFilter))])),
    vigilScore: Type.Optional(entries(NumberFilter)),
    epssScore: Type.Optional(entries(NumberFilter)),
    firstObservedAt: Type.Optional(entries(DateFilter)),
    lastObservedAt: Type.Optional(entries(DateFilter)),
    updatedAt: Type.Optional(entries(DateFilter)),
    resourceTags: Type.Optional(entries(MapFilter)),
    vulnerablePackages: Type.Optional(entries(PackageFilter)),
  },
  { $id: 'FilterCriteria', additionalProperties: false, description: "Inspector's FilterCriteria: keys AND-ed, values within a key OR-ed (NOT_EQUALS AND-ed)" },
);
