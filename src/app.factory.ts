import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Request } from 'express';
import { readFileSync } from 'fs';
import cors from 'cors';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import { join } from 'path';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { bodyParsers } from './common/body-parsing';
import { RequestValidationInterceptor } from './common/request-validation.interceptor';
import { createValidationPipe } from './common/validation.pipe';
import { AppConfig } from './config/app-config';
import { runMigrationsWithLock } from './database/migration-runner';
import { RedisIoAdapter } from './gateway/redis-io.adapter';
import { LeaderboardFastPath } from './leaderboard/leaderboard-fast-path';
import { AppModule } from './roles/app.module';
import { isThrottleExempt } from './throttle/api-throttler.guard';
import { RestThrottle } from './throttle/rest-throttle.service';

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Swagger UI's page: its scripts and styles are its own files; it needs inline styles (the page's
 * <style> block and React's style attributes), data: images (its icons) and fetches /docs-json.
 * No inline or foreign script runs, and nothing leaves the origin.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

function setupSwagger(app: NestExpressApplication, config: AppConfig): void {
  app.use('/docs', (_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    next();
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('traderscout')
      .setDescription(
        'Hyperliquid trader discovery, tracking and leaderboard. Live events: Socket.IO namespace ' +
          '`/updates` and plain WebSocket `/ws/v1/updates` (see the README).',
      )
      .setVersion(config.version)
      .addApiKey({ type: 'apiKey', name: 'x-api-key', in: 'header' }, 'admin')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: "A follower's token (or the admin key)" }, 'follower')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/**
 * Builds the app for the configured roles (migrating first when DB_MIGRATE=true), ready to listen.
 * Used by main.ts and by the e2e tests, so both boot exactly the same way.
 */
export async function createApp(config: AppConfig, opts: { logs?: boolean } = {}): Promise<INestApplication> {
  if (config.dbMigrate) await runMigrationsWithLock(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoles(config), {
    bufferLogs: true,
    logger: opts.logs === false ? false : undefined,
    bodyParser: false, // ours: bodyParsers()
  });
  if (opts.logs !== false) app.useLogger(app.get(PinoLogger));
  for (const parser of bodyParsers()) app.use(parser);
  // A body the parser rejected never reaches the throttle guard: it is counted against the client here.
  const throttle = config.hasRole('api') ? app.get(RestThrottle) : null;
  const countRejected = (req: Request): void => {
    if (!throttle || isThrottleExempt(req.path)) return;
    void Promise.resolve(throttle.check(req)).catch(() => undefined);
  };
  app.useGlobalFilters(new AllExceptionsFilter(countRejected));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new RequestValidationInterceptor());
  // Express's banner, on every response including CORS preflights (answered before helmet runs).
  app.disable('x-powered-by');
  if (config.hasRole('api')) {
    // The header middleware, each one instance: Express runs it, and the leaderboard's fast path
    // (ahead of Express, for pages it holds) runs the very same.
    const headers = [cors({ origin: config.corsOrigins === '*' ? true : config.corsOrigins }), helmet({ contentSecurityPolicy: false })];
    for (const h of headers) app.use(h);
    app.get(LeaderboardFastPath).install(app.getHttpServer(), headers);
    // Client IPs (rate limiting) from X-Forwarded-For only across the configured proxies.
    app.set('trust proxy', config.trustProxyHops);
    app.useWebSocketAdapter(await new RedisIoAdapter(app, config).connectRedis());
    setupSwagger(app, config);
  }
  return app;
}
