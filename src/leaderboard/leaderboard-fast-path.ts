import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import { HeaderMemo, HeaderMiddleware } from '../common/header-recorder';
import { AppConfig } from '../config/app-config';
import { RestThrottle } from '../throttle/rest-throttle.service';
import { CachedPage, sendPage } from './cached-page';
import { LeaderboardApiMetrics } from './leaderboard-api.metrics';
import { parseLeaderboardQuery } from './leaderboard-fast-query';
import { LeaderboardPageStore } from './leaderboard-page-store';
import { LeaderboardQueryService } from './leaderboard-query.service';

const PATHS = new Set(['/api/v1/leaderboard', '/leaderboard']);
/** Query strings remembered with their page key (or null: not the fast path's), oldest out first. */
const QUERY_MEMO = 1000;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Answers a leaderboard page this process already holds ahead of Express and Nest, on the HTTP
 * server's `request` event: the same bytes and headers as the controller (sendPage), the same
 * per-IP limit (RestThrottle), and the CORS and security headers of the very middleware instances
 * Express runs (recorded once per Origin, see HeaderMemo). The profile's reasons: Express
 * re-parents every request and response object (V8's property caches go megamorphic), helmet and
 * cors set a dozen headers one setHeader at a time, and Nest's pipeline adds a per-request logger,
 * guard and validation pipe; a held page needs none of it. Anything else goes to Express
 * untouched: other routes and methods, a query the strict parser does not read as valid (Nest
 * validates it: every 400 keeps its message), a page not held yet, a client over the limit (the
 * guard answers 429 with Retry-After).
 */
@Injectable()
export class LeaderboardFastPath {
  private readonly logger = new Logger(LeaderboardFastPath.name);
  private headers = new HeaderMemo([]);
  private readonly queries = new Map<string, string | null>();

  constructor(
    private readonly pages: LeaderboardQueryService,
    private readonly throttle: RestThrottle,
    private readonly config: AppConfig,
    private readonly metrics: LeaderboardApiMetrics,
  ) {}

  /**
   * Puts the fast path in front of the server's current `request` listeners (Express; Socket.IO
   * attaches ahead of it later and passes on what is not its own). `headers`: the middleware that
   * Express runs before the routes, in order; each must set headers from nothing but the method,
   * path and Origin, and call next() at once (cors and helmet with fixed options do).
   */
  install(server: Server, headers: HeaderMiddleware[]): void {
    this.headers = new HeaderMemo(headers);
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
    const path = q < 0 ? url : url.slice(0, q);
    if (!PATHS.has(path)) return false;
    const key = this.pageKey(q < 0 ? '' : url.slice(q + 1));
    const page = key !== null && this.pages.held(key);
    const preset = page && this.headers.get(req, path);
    if (!page || !preset) return false;
    const limit = this.throttle.check(req);
    if (limit === null) return false;
    if (Array.isArray(limit)) return this.send(req, res, page, preset.flat.concat(limit), preset.vary);
    limit.then(
      (headers) => (headers ? this.send(req, res, page, preset.flat.concat(headers), preset.vary) : pass()),
      (err: unknown) => this.fail(res, err),
    );
    return true;
  }

  /** The page key of a query string, or null when the strict parser leaves it to Nest. */
  private pageKey(query: string): string | null {
    let key = this.queries.get(query);
    if (key === undefined) {
      const params = parseLeaderboardQuery(query);
      key = params && LeaderboardPageStore.key(params);
      if (this.queries.size >= QUERY_MEMO) this.queries.delete(this.queries.keys().next().value!);
      this.queries.set(query, key);
    }
    return key;
  }

  private send(req: IncomingMessage, res: ServerResponse, page: CachedPage, flat: string[], vary: string | undefined): true {
    this.metrics.cacheHits.inc();
    const sent = sendPage(req, res, page, this.config.leaderboardIntervalSeconds, { flat, vary });
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
