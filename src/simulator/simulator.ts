import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatorControlImpl, type SimulatorCore } from './control';
import { ExchangeService } from './exchange-handler';
import { FlowGenerator } from './flow-generator';
import { clientOf, createRequestHandler } from './http-routes';
import { InfoService } from './info-handler';
import { Market } from './market';
import { Rng } from './rng';
import { TradePump } from './trade-pump';
import type { ResetParams, SimulatorHandle, SimulatorOptions } from './types';
import { DEFAULT_WEIGHT_PER_MINUTE, DEFAULT_WEIGHT_WINDOW_MS, WeightLimiter } from './weights';
import { WsHub } from './ws-hub';

const HOUR_MS = 3_600_000;

interface Resolved {
  seed: number;
  traders: number;
  coins: string[] | undefined;
  tradeRate: number;
  volatility: number;
}

class Simulator implements SimulatorCore {
  readonly limiter: WeightLimiter;
  readonly info: InfoService;
  readonly exchange: ExchangeService;
  readonly hub: WsHub;
  readonly pump: TradePump;
  readonly weightWindowMs: number;
  readonly startedAt = Date.now();
  readonly control: SimulatorControlImpl;
  readonly server: Server;
  scriptedTrades = 0;
  private current!: { market: Market; generator: FlowGenerator; walk: Rng; funding: Rng };
  private readonly settings: Resolved;
  private readonly samples: Array<[number, number]> = [];
  private sampler: NodeJS.Timeout | undefined;
  private fundingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SimulatorOptions) {
    this.settings = {
      seed: opts.seed ?? 1,
      traders: opts.traders ?? 200,
      coins: opts.coins,
      tradeRate: opts.tradeRate ?? 0,
      volatility: opts.volatility ?? 0.0004,
    };
    this.weightWindowMs = opts.weightWindowMs ?? DEFAULT_WEIGHT_WINDOW_MS;
    this.limiter = new WeightLimiter(opts.weightPerMinute ?? DEFAULT_WEIGHT_PER_MINUTE, this.weightWindowMs);
    this.info = new InfoService(() => this.current.market, this.limiter);
    this.exchange = new ExchangeService(() => this.current.market, this.limiter);
    this.hub = new WsHub(
      {
        idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
        maxConnections: opts.maxConnections ?? 10,
        maxSubscriptions: opts.maxSubscriptions ?? 1000,
        replayCount: opts.replayCount ?? 10,
      },
      () => this.current.market,
      this.info,
      this.exchange,
    );
    this.pump = new TradePump(opts.tickMs ?? 20, (dt, due) => this.tick(dt, due));
    this.build(undefined);
    this.pump.setRate(this.settings.tradeRate);
    this.control = new SimulatorControlImpl(this);
    const handler = createRequestHandler(this.info, this.exchange, this.control);
    this.server = createServer((req, res) => void handler(req, res));
    this.server.on('upgrade', (req, socket, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://simulator').pathname;
      if (path !== '/ws') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.hub.handleUpgrade(req, socket, head, clientOf(req));
    });
  }

  market(): Market {
    return this.current.market;
  }

  generator(): FlowGenerator {
    return this.current.generator;
  }

  fundingRng(): Rng {
    return this.current.funding;
  }

  private build(previous: Market | undefined): void {
    const { seed, traders, coins } = this.settings;
    const market = new Market({
      seed,
      traders,
      coins,
      tidStart: previous ? previous.lastTid + 1_000_000 : undefined,
      oidStart: previous ? previous.lastOid + 1_000_000 : undefined,
    });
    market.onTrades = (c, trades) => this.hub.publishTrades(market, c, trades);
    const root = new Rng(seed);
    this.current = { market, generator: new FlowGenerator(market, root.fork('flow')), walk: root.fork('walk'), funding: root.fork('funding-walk') };
    this.samples.length = 0;
  }

  rebuild(p: ResetParams): void {
    if (p.seed !== undefined) this.settings.seed = p.seed;
    if (p.traders !== undefined) this.settings.traders = p.traders;
    if (p.tradeRate !== undefined) this.settings.tradeRate = p.tradeRate;
    this.build(this.current.market);
    this.pump.setRate(this.settings.tradeRate);
    this.limiter.reset();
    this.info.reset();
    this.exchange.reset();
    this.hub.resetCounters();
    this.scriptedTrades = 0;
    if (p.dropSockets) this.hub.dropAll(false);
  }

  private tick(dtMs: number, due: number): number {
    if (this.pump.rate <= 0) return 0;
    const { market, generator, walk } = this.current;
    market.stepMids(walk, dtMs, this.settings.volatility);
    this.exchange.matchResting();
    return due > 0 ? generator.generate(due) : 0;
  }

  tradesPerSecond(): number {
    const s = this.samples;
    if (s.length < 2) return 0;
    const [t0, n0] = s[0];
    const [t1, n1] = s[s.length - 1];
    return t1 > t0 ? Math.round(((n1 - n0) * 1000) / (t1 - t0)) : 0;
  }

  private everySecond(): void {
    const now = Date.now();
    const market = this.current.market;
    market.samplePortfolios(market.now());
    this.samples.push([now, market.totalTrades]);
    if (this.samples.length > 6) this.samples.shift();
    this.hub.broadcastMids();
  }

  private scheduleFunding(): void {
    const now = Date.now();
    const next = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
    this.fundingTimer = setTimeout(() => {
      this.current.market.applyFunding(this.current.funding);
      this.scheduleFunding();
    }, next - now);
    this.fundingTimer.unref();
  }

  async listen(): Promise<SimulatorHandle> {
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.pump.start();
    this.sampler = setInterval(() => this.everySecond(), 1000);
    this.sampler.unref();
    if (this.opts.hourlyFunding !== false) this.scheduleFunding();
    const port = (this.server.address() as AddressInfo).port;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const httpUrl = `http://${urlHost}:${port}`;
    return {
      httpUrl,
      infoUrl: `${httpUrl}/info`,
      wsUrl: `ws://${urlHost}:${port}/ws`,
      port,
      control: this.control,
      close: () => this.close(),
    };
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.pump.stop();
      if (this.sampler) clearInterval(this.sampler);
      if (this.fundingTimer) clearTimeout(this.fundingTimer);
      await this.hub.close();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    })();
    return this.closing;
  }
}

/**
 * Start the exchange simulator: HTTP `POST /info`, WebSocket `/ws`, control under `/sim/*`.
 * Resolves once listening; `close()` stops every timer and connection.
 */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return new Simulator(opts).listen();
}
