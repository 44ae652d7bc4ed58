/** @module `/healthz`: up, and whether the store answers and a vulnerability database is open. No key needed. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServiceContext } from '../../service/context.js';

export const healthRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and readiness',
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ok'), store: Type.String(), vulndb: Type.Union([Type.Literal('open'), Type.Literal('missing')]) }),
          503: Type.Object({ status: Type.Literal('unavailable'), reason: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await ctx.store.getSetting('health');
      } catch (error) {
        return reply.status(503).send({ status: 'unavailable', reason: `the store does not answer: ${(error as Error).message}` });
      }
      let vulndb: 'open' | 'missing' = 'open';
      try {
        ctx.vulndb.current();
      } catch {
        vulndb = 'missing';
      }
      return { status: 'ok' as const, store: ctx.store.dialect, vulndb };
    },
  );
};
