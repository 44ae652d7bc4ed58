/** @module Resources as the API reads and writes them: hosts, container images and functions. */
import { Type, type Static } from 'typebox';
import { Tags, Timestamp } from './common.js';

const Name = Type.String({ minLength: 1, maxLength: 512 });
const Region = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });

export const HostDetails = Type.Object({ platform: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: false });
export const ContainerImageDetails = Type.Object(
  {
    repository: Type.String({ minLength: 1, maxLength: 1024 }),
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 1000 }),
    digest: Type.Optional(Type.String({ pattern: '^[a-z0-9]+:[a-f0-9]{32,}$' })),
    pushedAt: Type.Optional(Timestamp),
    lastPulledAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export const FunctionDetails = Type.Object(
  {
    runtime: Type.Optional(Type.String({ maxLength: 64 })),
    layers: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 64 }),
  },
  { additionalProperties: false },
);

const common = { name: Name, region: Type.Optional(Region), tags: Type.Optional(Tags) };

export const NewResourceBody = Type.Union(
  [
    Type.Object({ ...common, type: Type.Literal('HOST'), details: Type.Optional(HostDetails) }, { additionalProperties: false }),
    Type.Object({ ...common, type: Type.Literal('CONTAINER_IMAGE'), details: ContainerImageDetails }, { additionalProperties: false }),
    Type.Object({ ...common, type: Type.Literal('FUNCTION'), details: FunctionDetails }, { additionalProperties: false }),
  ],
  { $id: 'NewResource' },
);
export type NewResourceBody = Static<typeof NewResourceBody>;

export const ResourceType = Type.Enum(['HOST', 'CONTAINER_IMAGE', 'FUNCTION']);

export const ResourceSchema = Type.Object(
  {
    id: Type.String(),
    accountId: Type.String(),
    region: Type.String(),
    type: ResourceType,
    name: Type.String(),
    tags: Tags,
    details: Type.Object({}, { additionalProperties: true, description: 'HOST: platform; CONTAINER_IMAGE: repository, tags, digest, pushedAt, lastPulledAt; FUNCTION: runtime, layers' }),
    createdAt: Timestamp,
    lastScannedAt: Type.Union([Timestamp, Type.Null()]),
    inventoryTimestamp: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'Resource' },
);

export const ResourceList = Type.Object({ resources: Type.Array(Type.Ref('Resource')), nextToken: Type.Optional(Type.String()) });

export const ListResourcesQuery = Type.Object(
  {
    type: Type.Optional(ResourceType),
    region: Type.Optional(Region),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    nextToken: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const InventoryResult = Type.Object({
  resourceId: Type.String(),
  inventoryTimestamp: Timestamp,
  packages: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  closed: Type.Integer(),
  reopened: Type.Integer(),
  unchanged: Type.Integer(),
});
