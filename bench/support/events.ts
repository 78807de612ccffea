/**
 * What the benches hear: the simulator's public trades (a WebSocket tap, to match events to
 * trades) and trade events (from Redis `trade_events` or a Socket.IO client), with per-event
 * latency = receive time − event `timestamp` (a stream event's timestamp is its trade's exchange
 * time; the simulator and the benches share one clock).
 */
import Redis from 'ioredis';
import { Client } from 'pg';
import WebSocket from 'ws';
import { TradeEventPayload } from '../../src/events/trade-event.payload';
import { TradeEventsChannel } from '../../src/redis/contracts/trade-events-channel';
import { percentile } from './report';
import { sleep, TraderTruth } from './processes';

interface WsTradeLike {
  coin: string;
  time: number;
  users: [string, string];
}

/** Subscribes to every coin's trades on the simulator and remembers (coin, time, party). */
export class TradeTap {
  private readonly seen = new Set<string>();
  trades = 0;
  private ws: WebSocket | null = null;
  private ping: NodeJS.Timeout | null = null;

  /** `client` is sent as x-sim-client, so the tap's requests never touch the app's weight budget. */
  async start(httpUrl: string, wsUrl: string, client = 'bench-tap'): Promise<void> {
    const meta = await simMeta(httpUrl, client);
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, headers: { 'x-sim-client': client } });
    this.ws = ws;
    let acks = 0;
    ws.on('message', (data) => {
      const text = data.toString();
      if (text[0] !== '{') return;
      const msg = JSON.parse(text) as { channel?: string; data?: unknown };
      if (msg.channel === 'trades') {
        for (const t of msg.data as WsTradeLike[]) {
          this.trades++;
          this.seen.add(`${t.coin}|${t.time}|${t.users[0]}`);
          this.seen.add(`${t.coin}|${t.time}|${t.users[1]}`);
        }
      } else if (msg.channel === 'subscriptionResponse') acks++;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (const { name } of meta.universe) ws.send(JSON.stringify({ method: 'subscribe', subscription: { type: 'trades', coin: name } }));
    while (acks < meta.universe.length) await sleep(10);
    this.ping = setInterval(() => ws.send('{"method":"ping"}'), 20_000);
  }

  /** A stream event of this trader and coin at this exchange time was a public trade. */
  has(coin: string, timeMs: number, address: string): boolean {
    return this.seen.has(`${coin}|${timeMs}|${address}`);
  }

  stop(): void {
    if (this.ping) clearInterval(this.ping);
    this.ws?.close();
  }
}

export interface HeardEvent {
  receivedAt: number;
  latencyMs: number;
  source: 'stream' | 'snapshot';
  address: string;
  coin: string;
  /** Stream events: a public trade of this trader/coin at the event's timestamp was seen. */
  matched: boolean;
  payload: TradeEventPayload;
}

export interface LatencySummary {
  stream: number;
  snapshot: number;
  matched: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Every event of the simulator's traders (others on the shared Redis are ignored), by arrival. */
export class EventLog {
  readonly events: HeardEvent[] = [];
  foreign = 0;
  duplicates = 0;
  private readonly ids = new Set<number>();

  constructor(
    private readonly addresses: ReadonlySet<string>,
    private readonly tap: TradeTap | null,
  ) {}

  add(payload: TradeEventPayload, receivedAt = Date.now()): void {
    const address = payload.trader_address?.toLowerCase();
    if (!this.addresses.has(address)) {
      this.foreign++;
      return;
    }
    if (this.ids.has(payload.id)) {
      this.duplicates++;
      return;
    }
    this.ids.add(payload.id);
    const ts = Date.parse(payload.timestamp ?? '');
    const source = payload.details.source;
    this.events.push({
      receivedAt,
      latencyMs: receivedAt - ts,
      source,
      address,
      coin: payload.details.coin,
      matched: source === 'stream' && this.tap !== null && this.tap.has(payload.details.coin, ts, address),
      payload,
    });
  }

  /** Stream-event latency (and counts) of the events received in [from, to). */
  /** p99 of stream-event latency per `windowMs` of receive time (where a tail comes from). */
  windowP99(from: number, to: number, windowMs = 5000): number[] {
    const out: number[] = [];
    for (let start = from; start < to; start += windowMs) {
      const lat = this.events
        .filter((e) => e.source === 'stream' && e.receivedAt >= start && e.receivedAt < Math.min(to, start + windowMs))
        .map((e) => e.latencyMs)
        .sort((a, b) => a - b);
      out.push(lat.length ? percentile(lat, 0.99) : NaN);
    }
    return out;
  }

  summary(from = 0, to = Infinity): LatencySummary {
    const inRange = this.events.filter((e) => e.receivedAt >= from && e.receivedAt < to);
    const stream = inRange.filter((e) => e.source === 'stream');
    const lat = stream.map((e) => e.latencyMs).sort((a, b) => a - b);
    return {
      stream: stream.length,
      snapshot: inRange.length - stream.length,
      matched: stream.filter((e) => e.matched).length,
      p50: percentile(lat, 0.5),
      p95: percentile(lat, 0.95),
      p99: percentile(lat, 0.99),
      max: lat.length ? lat[lat.length - 1] : NaN,
    };
  }
}

/** SUBSCRIBE trade_events on a connection of its own; resolves once subscribed. */
export async function subscribeTradeEvents(redisUrl: string, log: EventLog): Promise<() => void> {
  const sub = new Redis(redisUrl);
  sub.on('message', (channel: string, message: string) => {
    if (channel !== TradeEventsChannel.channel) return;
    const receivedAt = Date.now();
    try {
      log.add(JSON.parse(message) as TradeEventPayload, receivedAt);
    } catch {
      /* not ours */
    }
  });
  await sub.subscribe(TradeEventsChannel.channel);
  return () => sub.disconnect();
}

/**
 * Registers the simulator's accounts in `traders` as if discovery had already found them, with
 * their role looked up (vaults flagged, so tracking leaves them out as it does by default):
 * no userRole lookups spend the budget during the bench.
 */
export async function registerTraders(pg: Client, accounts: TraderTruth[]): Promise<{ trackable: number; vaults: number }> {
  await pg.query(
    `INSERT INTO traders (address, role, is_vault, role_checked_at)
     SELECT a, r, r = 'vault', now() FROM unnest($1::varchar[], $2::varchar[]) AS x(a, r)
     ON CONFLICT (address) DO NOTHING`,
    [accounts.map((a) => a.address.toLowerCase()), accounts.map((a) => a.role)],
  );
  const vaults = accounts.filter((a) => a.role === 'vault').length;
  return { trackable: accounts.length - vaults, vaults };
}

/** The simulator's `meta`, asked as `client` (x-sim-client: never charged to the app's weight budget). */
export async function simMeta(httpUrl: string, client: string): Promise<{ universe: Array<{ name: string }> }> {
  const res = await fetch(`${httpUrl}/info`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sim-client': client },
    body: '{"type":"meta"}',
  });
  return (await res.json()) as { universe: Array<{ name: string }> };
}
