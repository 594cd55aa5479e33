import type { FastifyInstance } from 'fastify';

/**
 * Answers sent while the server closes carry `connection: close`. close() closes the idle
 * keep-alive connections at once and waits for the busy ones; a connection busy then (a push
 * still being stored when SIGTERM came) stays open after its answer for keepAliveTimeout, 72 s,
 * and close() waits for that too: a restart took a minute more than the last request, with the
 * port shut all along (tests/faults/graceful-close.test.ts). Call it on the root instance.
 */
export function closeConnectionsWhenClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
