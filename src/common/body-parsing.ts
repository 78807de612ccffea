import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json, urlencoded } from 'express';

/** JSON and form bodies: at most this much (413 past it). */
export const BODY_LIMIT = '64kb';

const deferred = new WeakMap<Request, unknown>();

/**
 * A body parser whose failure (malformed JSON, too large, a Content-Encoding the body does not
 * match, an unknown encoding) does not end the request in the middleware chain: it is kept for
 * the route, which throws it after the guards (see RequestValidationInterceptor), so a client
 * sending bad bodies is counted by the rate limiter like any other, and unmatched routes stay 404.
 */
function deferErrors(parser: RequestHandler): RequestHandler {
  return function deferredBodyParser(req: Request, res: Response, next: NextFunction): void {
    void parser(req, res, (err?: unknown) => {
      if (err) deferred.set(req, err);
      next();
    });
  };
}

/** The body parsers of every role (NestFactory.create runs with bodyParser: false). */
export function bodyParsers(): RequestHandler[] {
  return [deferErrors(json({ limit: BODY_LIMIT })), deferErrors(urlencoded({ limit: BODY_LIMIT, extended: false }))];
}

/** The body parser's error for this request, if any. */
export function bodyParseError(req: Request): unknown {
  return deferred.get(req);
}
