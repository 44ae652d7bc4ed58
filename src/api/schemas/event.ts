/** @module The event stream (`GET /v1/events`): the outbox read in order, with a cursor. */
import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';

export const EVENTS_DEFAULT_PAGE = 100;
export const EVENTS_MAX_PAGE = 1000;

export const EventsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,15}$',
        description: 'The nextCursor of the previous page; absent or "0" reads from the beginning',
      }),
    ),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: EVENTS_MAX_PAGE, default: EVENTS_DEFAULT_PAGE })),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

export const EventSchema = Type.Object(
  {
    seq: Type.Integer({ description: 'Increases in commit order' }),
    type: Type.String({ description: 'FINDING_CREATED, FINDING_UPDATED, FINDING_CLOSED, FINDING_REOPENED, FINDING_SUPPRESSED, FINDING_UNSUPPRESSED, RESOURCE_CREATED, RESOURCE_DELETED, COVERAGE_CHANGED' }),
    subjectId: Type.String({ description: 'The id of what changed (a finding, a resource)' }),
    payload: Type.Unknown({ description: 'What changed; its shape depends on the type' }),
    createdAt: Timestamp,
  },
  { $id: 'Event' },
);

export const EventPage = Type.Object({
  events: Type.Array(Type.Ref('Event')),
  nextCursor: Type.String({ description: 'Pass as `after` for the events that follow; the same cursor when there were none yet, so a poller can keep asking' }),
});
