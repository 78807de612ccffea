import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import { AppConfig } from '../config/app-config';
import { RestThrottle } from '../throttle/rest-throttle.service';
import { CachedPage, sendPage } from './cached-page';
import { LeaderboardApiMetrics } from './leaderboard-api.metrics';
import { parseLeaderboardQuery } from './leaderboard-fast-query';
import { LeaderboardQueryService } from './leaderboard-query.service';

const PATHS = new Set(['/api/v1/leaderboard', '/leaderboard']);

/** A connect-style middleware that sets headers and calls next() at once (cors, helmet). */
export type HeaderMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Answers a leaderboard page this process already holds ahead of Express and Nest, on the HTTP
 * server's `request` event: the same bytes and headers as the controller (sendPage), the same
 * per-IP limit (RestThrottle), and the same CORS and security headers (the very middleware
 * instances Express runs, applied first). Express costs most of a cached page's CPU (it re-parents
 * every request and response object, which leaves V8's property caches megamorphic), Nest's
 * pipeline (per-request logger, guard, validation pipe) much of the rest.
 * Anything else goes to Express untouched: other routes, a query the strict parser does not read
 * as valid (Nest validates it: every 400 keeps its message), a page not held yet, a client over
 * the limit (the guard answers 429 with Retry-After).
 */
@Injectable()
export class LeaderboardFastPath {
  private readonly logger = new Logger(LeaderboardFastPath.name);
  private headers: HeaderMiddleware[] = [];

  constructor(
    private readonly pages: LeaderboardQueryService,
    private readonly throttle: RestThrottle,
    private readonly config: AppConfig,
    private readonly metrics: LeaderboardApiMetrics,
  ) {}

  /**
   * Puts the fast path in front of the server's current `request` listeners (Express; Socket.IO
   * attaches ahead of it later and passes on what is not its own). `headers`: the middleware Express
   * runs before the routes that set response headers, in order.
   */
  install(server: Server, headers: HeaderMiddleware[]): void {
    this.headers = headers;
    const behind = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const pass = () => {
        for (const listener of behind) listener.call(server, req, res);
      };
      if (!this.handle(req, res, pass)) pass();
    });
  }

  /** True when the fast path answers the request (or will, else it calls `pass`: Express's turn). */
  handle(req: IncomingMessage, res: ServerResponse, pass: () => void): boolean {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if (!PATHS.has(q < 0 ? url : url.slice(0, q))) return false;
    const params = parseLeaderboardQuery(q < 0 ? '' : url.slice(q + 1));
    const page = params && this.pages.held(params);
    if (!page) return false;
    const allowed = this.throttle.pass(req, res);
    if (allowed === false) return false;
    if (allowed === true) return this.send(req, res, page);
    allowed.then(
      (ok) => (ok ? this.send(req, res, page) : pass()),
      (err: unknown) => this.fail(res, err),
    );
    return true;
  }

  private send(req: IncomingMessage, res: ServerResponse, page: CachedPage): true {
    for (const mw of this.headers) {
      let passed = false;
      mw(req, res, (err) => (passed = err === undefined));
      if (!passed) {
        this.fail(res, new Error('a header middleware did not pass the request on'));
        return true;
      }
    }
    this.metrics.cacheHits.inc();
    const sent = sendPage(req, res, page, this.config.leaderboardIntervalSeconds);
    if (sent) sent.catch((err: unknown) => this.fail(res, err));
    return true;
  }

  private fail(res: ServerResponse, err: unknown): void {
    this.logger.error({ msg: 'answering a held leaderboard page failed', error: (err as Error).message });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = 500;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' }));
  }
}
