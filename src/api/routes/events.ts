/**
 * @module `GET /v1/events?after=CURSOR`: every finding and coverage change of the caller's account,
 * in commit order, from the outbox written in the transaction of each change. The cursor is the
 * last event's sequence number as text; a reader that saw cursor n has seen every event up to n,
 * so polling with the last nextCursor misses nothing and repeats nothing.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RouteOptions } from '../app.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../schemas/common.js';
import { EVENTS_DEFAULT_PAGE, EventPage, EventSchema, EventsQuery } from '../schemas/event.js';

export const eventRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.addSchema(EventSchema);

  app.get(
    '/',
    {
      schema: {
        summary: "The account's finding and coverage changes, in order, after a cursor",
        tags: ['events'],
        querystring: EventsQuery,
        response: { 200: EventPage, ...errorResponses() },
      },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const after = Number(request.query.after ?? '0');
      const events = await ctx.store.eventsAfter(after, request.query.maxResults ?? EVENTS_DEFAULT_PAGE, { accountId });
      return {
        events: events.map((e) => ({ seq: e.seq, type: e.type, subjectId: e.subjectId, payload: e.payload, createdAt: e.createdAt })),
        nextCursor: String(events.at(-1)?.seq ?? after),
      };
    },
  );
};
