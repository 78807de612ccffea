import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { createApp, packageVersion } from './app.factory';
import { ConfigValidationError, loadConfig } from './config/config.loader';
import { dropUnreachableRedis } from './redis/redis.module';

const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config;
  try {
    config = loadConfig(process.env, packageVersion());
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), msg: 'listening', roles: [...config.roles], url: await app.getUrl() })}\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      process.stderr.write(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms, exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    force.unref();
    dropUnreachableRedis(app);
    app
      .close()
      .then(() => {
        process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: 'stopped', signal })}\n`);
        process.exit(0);
      })
      .catch((err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
