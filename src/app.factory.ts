import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'fs';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import { join } from 'path';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { createValidationPipe } from './common/validation.pipe';
import { AppConfig } from './config/app-config';
import { runMigrationsWithLock } from './database/migration-runner';
import { RedisIoAdapter } from './gateway/redis-io.adapter';
import { AppModule } from './roles/app.module';

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function setupSwagger(app: INestApplication, config: AppConfig): void {
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
    bodyParser: true,
  });
  if (opts.logs !== false) app.useLogger(app.get(PinoLogger));
  app.useBodyParser('json', { limit: '64kb' });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());
  if (config.hasRole('api')) {
    app.enableCors({ origin: config.corsOrigins === '*' ? true : config.corsOrigins });
    app.use(helmet({ contentSecurityPolicy: false }));
    // Client IPs (rate limiting) from X-Forwarded-For only across the configured proxies.
    app.set('trust proxy', config.trustProxyHops);
    app.useWebSocketAdapter(await new RedisIoAdapter(app, config).connectRedis());
    setupSwagger(app, config);
  }
  return app;
}
