import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.tokens';
import { CopyKeys, decodeMarks } from '../copy-channels';
import { num, numOrNull, OrderStatus } from '../data/copy.records';
import { CopyOrdersRepository } from '../data/copy-orders.repository';
import { CopyStateRepository } from '../data/copy-state.repository';
import { FollowersRepository } from '../data/followers.repository';
import { FollowsRepository } from '../data/follows.repository';
import { unrealizedPnl } from '../domain/fills';
import { distribution, slippageVsLeader, trackingError } from '../domain/performance';
import { orderView } from './copy-views';
import { FollowersService } from './followers.service';

const money = (n: number) => String(Math.round(n * 1e6) / 1e6);

/** What a follower sees: positions, journal, performance. */
@Injectable()
export class CopyReadService {
  constructor(
    private readonly followers: FollowersService,
    private readonly followerRows: FollowersRepository,
    private readonly follows: FollowsRepository,
    private readonly orders: CopyOrdersRepository,
    private readonly state: CopyStateRepository,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  private async marks(): Promise<Record<string, number>> {
    return decodeMarks(await this.redis.hgetall(CopyKeys.marks).catch(() => ({})));
  }

  async positions(id: string) {
    await this.followers.get(id);
    const [rows, marks] = await Promise.all([this.state.positions(id), this.marks()]);
    return {
      follower_id: id,
      positions: rows.map((p) => {
        const mark = marks[p.coin] ?? null;
        return {
          coin: p.coin,
          desired_size: String(p.desiredSize),
          actual_size: String(p.size),
          entry_price: p.size === 0 ? null : String(p.entryPx),
          mark_price: mark === null ? null : String(mark),
          notional_usd: mark === null ? null : money(Math.abs(p.size) * mark),
          unrealized_pnl_usd: mark === null ? null : money(unrealizedPnl(p, mark)),
          leverage: p.leverage,
        };
      }),
    };
  }

  async journal(id: string, limit: number, before: string | null, status: OrderStatus | null) {
    await this.followers.get(id);
    const rows = await this.orders.list(id, limit, before, status);
    return { items: rows.map(orderView), limit, next_before: rows.length === limit ? rows[rows.length - 1].id : null };
  }

  async performance(id: string) {
    const f = await this.followers.get(id);
    const [series, positions, marks, follows, filled, latencies, counts, alerts] = await Promise.all([
      this.followerRows.equitySeries(id, 2000),
      this.state.positions(id),
      this.marks(),
      this.follows.listByFollower(id, true),
      this.orders.filled(id, 5000),
      this.orders.latencies(id, 5000),
      this.orders.countsByStatus(id),
      this.state.alerts(id, 20),
    ]);
    const unrealized = positions.reduce((s, p) => s + (marks[p.coin] ? unrealizedPnl(p, marks[p.coin]) : 0), 0);
    const pnl = f.realizedPnlUsd + unrealized - f.feesUsd;
    const slippage = slippageVsLeader(
      filled.map((o) => ({ isBuy: o.side === 'buy', filledSize: num(o.filledSize), avgPrice: num(o.avgPrice), leaderPrice: numOrNull(o.leaderPrice), fee: num(o.feeUsd) })),
    );
    const tracking = trackingError(
      pnl,
      slippage.usd,
      f.feesUsd,
      positions.map((p) => ({ desired: p.desiredSize, actual: p.size, mark: marks[p.coin] ?? p.entryPx })),
      f.equityUsd,
    );
    return {
      follower_id: id,
      equity_usd: money(f.equityUsd),
      equity_curve: series.map((p) => [new Date(p.time).getTime(), Number(p.equity_usd)]),
      realized_pnl_usd: money(f.realizedPnlUsd),
      unrealized_pnl_usd: money(unrealized),
      fees_usd: money(f.feesUsd),
      pnl_usd: money(pnl),
      per_follow: follows.map((fl) => ({ leader: fl.leader, status: fl.status, realized_pnl_usd: money(fl.realizedPnlUsd), fees_usd: money(fl.feesUsd) })),
      tracking: {
        leaders_scaled_pnl_usd: money(tracking.leaders_scaled_pnl_usd),
        tracking_error_usd: money(tracking.tracking_error_usd),
        size_gap_usd: money(tracking.size_gap_usd),
        size_gap_pct: tracking.size_gap_pct === null ? null : Math.round(tracking.size_gap_pct * 1e4) / 1e4,
      },
      slippage_vs_leader: { usd: money(slippage.usd), bps: slippage.bps === null ? null : Math.round(slippage.bps * 100) / 100, orders: slippage.orders },
      latency_ms: {
        trade_to_order: distribution(latencies.map((l) => numOrNull(l.trade_to_order_ms))),
        order_to_fill: distribution(latencies.map((l) => numOrNull(l.order_to_fill_ms))),
        trade_to_fill: distribution(latencies.map((l) => numOrNull(l.trade_to_fill_ms))),
      },
      orders_by_status: counts,
      recent_alerts: alerts.map((a) => ({ kind: a.kind, message: a.message, timestamp: a.createdAt.toISOString() })),
    };
  }
}
