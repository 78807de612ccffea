import { readFileSync } from 'fs';
import Redis from 'ioredis';
import { io, Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { MESSAGE_BURST } from '../../src/gateway/client-limits';
import { TradeEventsChannel } from '../../src/redis/contracts/trade-events-channel';
import { createTestDatabase, TestDatabase } from '../support/database';
import { IoClient, WsClient } from '../support/live-clients';
import { freePort, RunningProcess, spawnApp, waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { randomTestAddress } from '../support/trade-events';

const CAP = 12;
const FOLLOWED = 1000;
const FLOOD = 10_000;

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const traders = Array.from({ length: FOLLOWED }, () => randomTestAddress());
const chunks = Array.from({ length: FOLLOWED / 200 }, (_, i) => traders.slice(i * 200, (i + 1) * 200));

/**
 * Publishes a probe event every 50 ms (not stored: the gateway relays what the channel carries) and
 * records publish→receive latency at the watching clients.
 */
class Probe {
  readonly address = randomTestAddress();
  readonly latencies: number[] = [];
  readonly published = new Set<number>();
  private readonly received = new Map<string, Set<number>>();
  private timer: NodeJS.Timeout | null = null;
  private nextId = 2e12 + Math.floor(Math.random() * 1e9) * 1000;

  constructor(private readonly redis: Redis) {}

  watch(name: string, event: { id: number; trader_address: string; details: { probe_sent_at?: number } }): void {
    if (event.trader_address !== this.address || typeof event.details.probe_sent_at !== 'number') return;
    this.latencies.push(Date.now() - event.details.probe_sent_at);
    let ids = this.received.get(name);
    if (!ids) this.received.set(name, (ids = new Set()));
    ids.add(event.id);
  }

  start(): void {
    this.timer = setInterval(() => {
      const id = this.nextId++;
      this.published.add(id);
      const event = {
        id,
        trader_id: 1,
        trader_address: this.address,
        timestamp: new Date().toISOString(),
        event_type: 'position_increased',
        details: { coin: 'BTC', previous_size: '1', current_size: '2', size_change: '1', side: 'long', entry_price: '1', source: 'stream', probe_sent_at: Date.now() },
      };
      void this.redis.publish(TradeEventsChannel.channel, JSON.stringify(event));
    }, 50);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  missing(name: string): number {
    const got = this.received.get(name) ?? new Set();
    return [...this.published].filter((id) => !got.has(id)).length;
  }

  p99(): number {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  }
}

/** Issue 16 item 4: a subscribe flood on either transport cuts the abuser, not everyone else. */
describe('live events: bounded clients (api in its own process)', () => {
  let db: TestDatabase;
  let proc: RunningProcess;
  let url: string;
  let redis: Redis;

  beforeAll(async () => {
    db = await createTestDatabase();
    const testRedis = await createTestRedis();
    redis = new Redis(testRedis.url);
    const port = await freePort();
    proc = spawnApp({
      ROLE: 'api',
      PORT: String(port),
      DATABASE_URL: db.url,
      REDIS_URL: testRedis.url,
      DB_MIGRATE: 'false',
      LIVE_MAX_CONNECTIONS_PER_IP: String(CAP),
    });
    url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/health`)).ok, 30000);
  }, 60000);

  afterAll(async () => {
    if (proc?.child.exitCode === null) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    redis?.disconnect();
    await db?.drop();
  });

  const metric = async (reason: string, transport: string): Promise<number> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const re = new RegExp(`gateway_clients_rejected_total\\{[^}]*transport="${transport}"[^}]*reason="${reason}"[^}]*\\} (\\d+)|gateway_clients_rejected_total\\{[^}]*reason="${reason}"[^}]*transport="${transport}"[^}]*\\} (\\d+)`);
    const m = re.exec(text);
    return Number(m?.[1] ?? m?.[2] ?? 0);
  };

  /** Runs one abuser while the probe runs; returns what the watchers saw and the api's RSS growth. */
  async function underFlood(flood: () => Promise<void>): Promise<{ p99: number; missingIo: number; missingWs: number; rssGrowthMb: number }> {
    const probe = new Probe(redis);
    const watcherIo = await IoClient.connect(url);
    const watcherWs = await WsClient.connect(url);
    watcherIo.socket.on('trade_event', (e) => probe.watch('io', e));
    watcherWs.ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString());
      if (msg.type === 'trade_event') probe.watch('ws', msg.data);
    });
    try {
      probe.start();
      await waitFor(async () => probe.latencies.length >= 20, 10000, 20); // warmed up
      const before = rssMb(proc.child.pid!);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(proc.child.pid!))), 50);
      try {
        await flood();
        await new Promise((r) => setTimeout(r, 2000)); // and the aftermath
      } finally {
        clearInterval(sampler);
        probe.stop();
      }
      await waitFor(async () => probe.missing('io') === 0 && probe.missing('ws') === 0, 10000, 50).catch(() => undefined);
      expect(watcherIo.socket.connected).toBe(true);
      expect(watcherWs.ws.readyState).toBe(WebSocket.OPEN);
      const result = { p99: probe.p99(), missingIo: probe.missing('io'), missingWs: probe.missing('ws'), rssGrowthMb: peak - before };
      process.stdout.write(`flood: watchers p99 ${result.p99} ms over ${probe.latencies.length} deliveries, api RSS +${result.rssGrowthMb.toFixed(1)} MB\n`);
      return result;
    } finally {
      watcherIo.close();
      watcherWs.close();
    }
  }

  it('cuts a Socket.IO client that follows 1,000 traders and sends 10,000 subscribes; the others keep their events', async () => {
    const cutBefore = await metric('rate_limit', 'socket_io');
    let replies = 0;
    let rateError: { message?: string } | undefined;
    let gone = false;
    const result = await underFlood(async () => {
      const abuser: Socket = io(`${url}/updates`, { transports: ['websocket'], reconnection: false, forceNew: true });
      abuser.on('subscribed', () => replies++);
      abuser.on('error', (e: { message?: string }) => (rateError ??= /rate limit/.test(e?.message ?? '') ? e : undefined));
      abuser.on('disconnect', () => (gone = true));
      await new Promise<void>((resolve, reject) => (abuser.once('connect', () => resolve()), abuser.once('connect_error', reject)));
      for (const chunk of chunks) expect(await abuser.timeout(5000).emitWithAck('subscribe', { traders: chunk })).toMatchObject({ ok: true });
      for (let i = 0; i < FLOOD; i++) abuser.emit('subscribe', { traders: [traders[i % FOLLOWED]] });
      await waitFor(async () => gone, 15000, 20);
      abuser.close();
    });
    expect(rateError?.message).toContain('rate limit');
    expect(gone).toBe(true);
    expect(replies).toBeLessThanOrEqual(MESSAGE_BURST + 1); // cut at the burst, not after 10,000 replies
    expect(await metric('rate_limit', 'socket_io')).toBe(cutBefore + 1);
    expect(result.missingIo).toBe(0);
    expect(result.missingWs).toBe(0);
    expect(result.p99).toBeLessThan(1000);
    expect(result.rssGrowthMb).toBeLessThan(100);
  }, 90000);

  it('counts every message of a connection, whatever its namespace: a flood on `/` is cut too', async () => {
    const abuser: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    let reason: string | undefined;
    abuser.on('disconnect', (r) => (reason = r));
    await new Promise<void>((resolve, reject) => (abuser.once('connect', () => resolve()), abuser.once('connect_error', reject)));
    for (let i = 0; i < FLOOD; i++) abuser.emit('anything', i);
    await waitFor(async () => reason, 15000, 20);
    expect(reason).toBe('transport close');
    abuser.close();
  }, 30000);

  it('cuts a plain WebSocket client doing the same (error, then close 1008); the others keep their events', async () => {
    let replies = 0;
    let rateError: { message?: string } | undefined;
    let closeCode: number | undefined;
    const result = await underFlood(async () => {
      const abuser = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/v1/updates`);
      abuser.on('message', (raw) => {
        const msg = JSON.parse(raw.toString());
        if (msg.type === 'subscribed') replies++;
        if (msg.type === 'error' && /rate limit/.test(msg.data?.message)) rateError ??= msg.data;
      });
      abuser.on('close', (code) => (closeCode = code));
      await new Promise<void>((resolve, reject) => (abuser.once('open', () => resolve()), abuser.once('error', reject)));
      for (const chunk of chunks) abuser.send(JSON.stringify({ type: 'subscribe', data: { traders: chunk } }));
      await waitFor(async () => replies >= chunks.length, 5000, 10);
      for (let i = 0; i < FLOOD; i++) abuser.send(JSON.stringify({ type: 'subscribe', data: { traders: [traders[i % FOLLOWED]] } }));
      await waitFor(async () => closeCode !== undefined, 15000, 20);
    });
    expect(rateError?.message).toContain('rate limit');
    expect(closeCode).toBe(1008);
    expect(replies).toBeLessThanOrEqual(MESSAGE_BURST + 1);
    expect(result.missingIo).toBe(0);
    expect(result.missingWs).toBe(0);
    expect(result.p99).toBeLessThan(1000);
    expect(result.rssGrowthMb).toBeLessThan(100);
  }, 90000);

  it(`refuses the ${CAP + 1}th connection from one IP on either transport, and admits again once one closes`, async () => {
    const open: Array<IoClient | WsClient> = [];
    try {
      // The earlier tests' clients are gone once a full set connects.
      await waitFor(async () => {
        for (const c of open.splice(0)) c.close();
        for (let i = 0; i < CAP; i++) open.push(i % 2 === 0 ? await IoClient.connect(url) : await WsClient.connect(url));
        return true;
      }, 15000, 500);
      const capBefore = (await metric('ip_cap', 'socket_io')) + (await metric('ip_cap', 'websocket'));
      await expect(IoClient.connect(url)).rejects.toThrow();
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/v1/updates`);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => (ws.close(), resolve(101)));
        ws.once('error', () => undefined);
      });
      expect(status).toBe(429);
      expect((await metric('ip_cap', 'socket_io')) + (await metric('ip_cap', 'websocket'))).toBe(capBefore + 2);

      open.shift()!.close();
      const again = await waitFor(async () => IoClient.connect(url), 10000, 100);
      open.push(again);
      expect(again.socket.connected).toBe(true);
    } finally {
      for (const c of open) c.close();
    }
  }, 60000);
});
