import type { RequestHandler } from 'express';
import { json, urlencoded } from 'express';

/** JSON and form bodies: at most this much (413 past it). */
export const BODY_LIMIT = '64kb';

/**
 * The body parsers of every role (NestFactory.create runs with bodyParser: false). A body they
 * reject (malformed, too large, not what its Content-Encoding says, an unknown encoding) goes
 * straight to the exception filter as its 400/413/415.
 */
export function bodyParsers(): RequestHandler[] {
  return [json({ limit: BODY_LIMIT }), urlencoded({ limit: BODY_LIMIT, extended: false })];
}
