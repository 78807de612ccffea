import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { ROOT } from '../support/env';

/**
 * There is no Docker engine here: the compose files and the Dockerfile are checked as data (and
 * with `docker compose config` where the compose plugin exists), so review keeps them true.
 */
type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  restart?: string;
  profiles?: string[];
  ports?: string[];
  container_name?: string;
  stop_grace_period?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
};
const load = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8'), { merge: true }) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  const { services } = load('docker-compose.yml');
  const roles = ['api', 'worker', 'discovery'] as const;

  it('has postgres, redis, a one-shot migrate, the three roles and the demo simulator', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'discovery', 'migrate', 'postgres', 'redis', 'simulator', 'worker']);
    expect(services.migrate.command).toEqual(['node', 'dist/database/migrate.cli.js']);
    expect(services.migrate.restart).toBe('no');
    expect(services.migrate.depends_on?.postgres.condition).toBe('service_healthy');
    expect(services.simulator.profiles).toEqual(['demo']);
  });

  it('health-checks every long-running service', () => {
    for (const name of ['postgres', 'redis', 'simulator', ...roles]) expect(services[name].healthcheck?.test.length).toBeGreaterThan(1);
    for (const role of roles) expect(services[role].healthcheck?.test.join(' ')).toContain('/health/detailed');
  });

  it('runs each role from the one image with restart policies and dependency conditions', () => {
    for (const role of roles) {
      const s = services[role];
      expect(s.image).toBe('traderscout:latest');
      expect(s.environment?.ROLE).toBe(role);
      expect(s.environment?.DB_MIGRATE).toBe('false');
      expect(s.restart).toBe('unless-stopped');
      expect(s.stop_grace_period).toBe('15s');
      expect(s.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
        simulator: { condition: 'service_healthy', required: false },
      });
    }
    for (const name of ['postgres', 'redis', 'simulator']) expect(services[name].restart).toBe('unless-stopped');
  });

  it('lets the api scale (no container name, a host port range)', () => {
    expect(services.api.container_name).toBeUndefined();
    expect(services.api.ports?.[0]).toMatch(/^\$\{API_PORTS:-3000-3004\}:3000$/);
  });

  it('points every role at the simulator in the demo override', () => {
    const demo = load('docker-compose.demo.yml').services;
    for (const role of roles) {
      expect(demo[role].environment?.HYPERLIQUID_API_URL).toBe('http://simulator:8080');
      expect(demo[role].environment?.WEBSOCKET_URL).toBe('ws://simulator:8080/ws');
    }
    expect(services.simulator.command?.slice(0, 2)).toEqual(['node', 'dist/simulator/main.js']);
  });

  // Skipped loudly (a warning, and "skipped" in jest's summary) where the compose plugin is missing.
  const itWithCompose = composeAvailable() ? it : it.skip;
  itWithCompose('passes `docker compose config`', () => {
    execFileSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, stdio: 'pipe' });
    execFileSync('docker', ['compose', '-f', 'docker-compose.yml', '-f', 'docker-compose.demo.yml', '--profile', 'demo', 'config', '-q'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));

  it('is multi-stage, with production dependencies only in the runtime stage', () => {
    expect(lines.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/npm ci --omit=dev/);
    const runtime = text.slice(text.lastIndexOf('FROM '));
    expect(runtime).not.toMatch(/npm ci(?! --omit=dev)/);
    expect(runtime).toMatch(/COPY --from=deps .*node_modules/);
  });

  it('runs node dist/main.js as a non-root user, the role from ROLE, with a /health check', () => {
    const runtime = text.slice(text.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/ENV .*ROLE=all/);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/health'/);
    expect(lines[lines.length - 1]).toBe('CMD ["node", "dist/main.js"]');
  });
});

function composeAvailable(): boolean {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'pipe' });
    return true;
  } catch {
    console.warn('containers: `docker compose` is not installed here, so `docker compose config` is SKIPPED');
    return false;
  }
}
