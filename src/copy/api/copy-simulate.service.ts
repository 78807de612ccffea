import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../../common/domain-error';
import { LeaderHistoryRepository } from '../data/leader-history.repository';
import { LeaderStateRepository } from '../data/leader-state.repository';
import { CopyBacktest } from '../domain/backtest';
import type { FollowSettings } from '../domain/sizing';
import type { SimulateDto, SimulateResultDto, SimulateWindow } from './simulate.dto';

const DAY_MS = 86_400_000;
const WINDOW_DAYS: Record<SimulateWindow, number | null> = { '7d': 7, '30d': 30, all: null };
/** Fills one backtest replays at most (the newest of a busier window): bounds a public route's work. */
export const SIMULATE_MAX_FILLS = 100_000;
/** Backtests replayed at once by one api process; more wait their turn (each holds its curve in memory). */
export const SIMULATE_CONCURRENCY = 2;
/** A coin whose size decimals cannot be read from its fills (never happens with stored fills). */
const FALLBACK_SZ_DECIMALS = 2;

const round = (n: number, digits = 6) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A follow's settings from the request, with the defaults a new follow gets. */
function settingsOf(dto: SimulateDto): FollowSettings {
  const sizing = dto.sizing ?? 'proportional';
  if (sizing === 'fixed_ratio' && dto.ratio === undefined) throw new DomainError('INVALID_INPUT', 'ratio is required with sizing fixed_ratio');
  if (sizing === 'fixed_notional' && dto.notional_usd === undefined) {
    throw new DomainError('INVALID_INPUT', 'notional_usd is required with sizing fixed_notional');
  }
  return {
    sizing,
    multiplier: dto.multiplier ?? 1,
    ratio: dto.ratio ?? null,
    notionalUsd: dto.notional_usd ?? null,
    maxLeverage: dto.max_leverage ?? null,
    maxPositionUsd: dto.max_position_usd ?? null,
    maxTotalUsd: dto.max_total_usd ?? null,
    coinsAllow: dto.coins_allow ?? null,
    coinsDeny: dto.coins_deny ?? null,
    sides: dto.sides ?? 'both',
    reverse: dto.reverse ?? false,
  };
}

/** The leader's account value at a time, for times that only move forward (one pass over the series). */
function equityCursor(points: ReadonlyArray<[number, number]>): (t: number) => number | null {
  let i = 0;
  return (t) => {
    if (points.length === 0) return null;
    while (i + 1 < points.length && points[i + 1][0] <= t) i++;
    return points[i][1]; // before the first point: the first one
  };
}

/**
 * POST /api/v1/copy/simulate: a backtest of copying a leader from its stored fills, through the
 * copy engine's sizing, order plan and paper fills (domain/backtest.ts), the fills streamed from
 * the ledger page by page.
 */
@Injectable()
export class CopySimulateService {
  private readonly logger = new Logger(CopySimulateService.name);
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly leaders: LeaderStateRepository,
    private readonly history: LeaderHistoryRepository,
    private readonly config: AppConfig,
  ) {}

  async simulate(dto: SimulateDto): Promise<SimulateResultDto> {
    const settings = settingsOf(dto);
    // A finished replay hands its slot straight to the next in line (`running` counts slots in use).
    if (this.running >= SIMULATE_CONCURRENCY) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await this.replay(dto, settings);
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }

  private async replay(dto: SimulateDto, settings: FollowSettings): Promise<SimulateResultDto> {
    const started = Date.now();
    const leader = await this.leaders.info(dto.leader);
    if (!leader) throw new DomainError('NOT_FOUND', `trader ${dto.leader} not found`);
    if (leader.isVault) throw new DomainError('UNPROCESSABLE', `leader: ${dto.leader} is a vault; vaults cannot be followed`);
    const window = dto.window ?? '30d';
    const equityUsd = dto.equity_usd ?? 10_000;
    const now = Date.now();
    const days = WINDOW_DAYS[window];
    const range = await this.history.range(leader.id, days === null ? null : now - days * DAY_MS, SIMULATE_MAX_FILLS);
    const [points, decimals] = await Promise.all([
      settings.sizing === 'proportional' ? this.history.accountValues(leader.id, range.after) : Promise.resolve([]),
      this.history.sizeDecimals(leader.id, range.after),
    ]);
    if (settings.sizing === 'proportional' && points.length === 0 && range.count > 0) {
      throw new DomainError('UNPROCESSABLE', `sizing: ${dto.leader} has no stored account value; proportional sizing needs it (use fixed_ratio or fixed_notional)`);
    }
    const bt = new CopyBacktest({
      settings,
      copyOpenPositions: dto.copy_open_positions ?? false,
      equityUsd,
      slippageBps: dto.slippage_bps ?? this.config.copyDefaultSlippageBps,
      exitSlippageBps: this.config.copyExitSlippageBps,
      rebalanceBandPct: dto.rebalance_band_pct ?? 5,
      maxLossUsd: dto.max_loss_usd ?? null,
      feeBps: this.config.paperTakerFeeBps,
      reconcileMs: this.config.copyReconcileSeconds * 1000,
      szDecimals: (coin) => decimals.get(coin) ?? FALLBACK_SZ_DECIMALS,
      leaderEquityAt: equityCursor(points),
      startMs: range.after,
      endMs: now,
    });
    for await (const page of this.history.fills(leader.id, range.after)) for (const f of page) bt.push(f);
    const r = bt.finish();
    this.logger.debug({ msg: 'copy simulated', leader: leader.address, window, fills: r.leaderFills, orders: r.orders, ms: Date.now() - started });
    return {
      leader: leader.address,
      window,
      from: range.after === null ? null : new Date(range.after).toISOString(),
      to: new Date(now).toISOString(),
      equity_usd: equityUsd,
      equity_curve: r.equityCurve.map(([t, v]) => [t, round(v)]),
      pnl_usd: round(r.pnlUsd),
      max_drawdown_pct: round(r.maxDrawdownPct, 4),
      orders: r.orders,
      fees_usd: round(r.feesUsd),
      realized_pnl_usd: round(r.realizedPnlUsd),
      unrealized_pnl_usd: round(r.unrealizedPnlUsd),
      skipped_orders: r.skippedOrders,
      leader_fills: r.leaderFills,
      truncated: range.truncated,
      stopped: r.stopped,
      positions: r.positions.map((p) => ({ coin: p.coin, size: p.size, entry_price: round(p.entryPx), mark_price: p.markPx })),
    };
  }
}
