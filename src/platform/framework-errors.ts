import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

// Requests the router refuses before any route runs (a path with broken percent-encoding such as
// %C0%AE, a path parameter longer than the router allows) never reach the app's error handler;
// Fastify would answer them in its own shape. This answers them in SPEC §10's shape instead.
// Found by the route fuzzer (test/security/fuzz.test.ts).

const messages: Record<string, string> = {
  FST_ERR_BAD_URL: 'The URL is not valid (broken percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter of the URL is too long',
  FST_ERR_ASYNC_CONSTRAINT: 'The request could not be routed',
};

export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = messages[error.code] ?? 'The request could not be routed';
  reply
    .status(400)
    .header('cache-control', 'no-store')
    .send({ error: { code: 'validation_failed', message, details: { fields: [{ field: 'url', message: error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'too long' : 'invalid' }] } } });
}
