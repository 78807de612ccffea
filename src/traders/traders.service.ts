import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { isoOrNull } from '../common/timestamps';
import { parseIsoUtc } from '../common/query-validators';
import { toTradeEventPayload } from '../events/trade-event.payload';
import { LeaderboardReadService } from '../leaderboard/leaderboard-read.service';
import {
  EventsPageDto,
  HistoryDto,
  PositionDto,
  PositionsDto,
  TraderDetailDto,
  TraderListDto,
  TraderSummaryDto,
  TradeEventDto,
} from './dto/trader.dto';
import { EventsQueryDto, HistoryQueryDto, ListTradersQueryDto, MAX_LIST_OFFSET } from './dto/traders-query.dto';
import { AccountHistoryRepository } from '../live/account-history.repository';
import { LiveRepository, PositionRow } from '../live/live.repository';
import { EventOutboxRepository } from '../events/event-outbox.repository';
import { TraderRow, TradersRepository } from './data/traders.repository';

const DEFAULT_LIMIT = 50;
const DEFAULT_HISTORY_LIMIT = 2000;

const iso = isoOrNull;

/** The traders and events read API: validation beyond the DTOs, 404s, and the response shapes. */
@Injectable()
export class TradersService {
  constructor(
    private readonly traders: TradersRepository,
    private readonly live: LiveRepository,
    private readonly accountHistory: AccountHistoryRepository,
    private readonly eventStore: EventOutboxRepository,
    private readonly leaderboard: LeaderboardReadService,
  ) {}

  async list(query: ListTradersQueryDto): Promise<TraderListDto> {
    const page = query.page ?? 1;
    const limit = query.limit ?? DEFAULT_LIMIT;
    if ((page - 1) * limit > MAX_LIST_OFFSET) {
      throw new DomainError('INVALID_INPUT', `page: (page - 1) × limit must not exceed ${MAX_LIST_OFFSET}; narrow the list with search`);
    }
    const prefix = query.search ? (query.search.startsWith('0x') ? query.search : `0x${query.search}`) : null;
    const [rows, total] = await Promise.all([
      this.traders.list(prefix, limit, (page - 1) * limit),
      this.traders.count(prefix),
    ]);
    return { items: rows.map(toSummary), total, page, limit };
  }

  /** The trader or a 404. */
  async get(address: string): Promise<TraderRow> {
    const row = await this.traders.findByAddress(address);
    if (!row) throw new DomainError('NOT_FOUND', `trader ${address} not found`);
    return row;
  }

  async exists(address: string): Promise<boolean> {
    return (await this.traders.findByAddress(address)) !== null;
  }

  async detail(address: string): Promise<TraderDetailDto> {
    const trader = await this.get(address);
    const [positions, metrics] = await Promise.all([
      this.live.openPositions(trader.id),
      this.leaderboard.metricsForTrader(trader.id),
    ]);
    return {
      ...toSummary(trader),
      role: trader.role,
      rank: metrics?.all?.rank ?? null,
      metrics,
      open_positions: positions.map(toPosition),
    };
  }

  async positions(address: string): Promise<PositionsDto> {
    const trader = await this.get(address);
    const positions = await this.live.openPositions(trader.id);
    return { address: trader.address, last_tracked_at: iso(trader.last_tracked_at), positions: positions.map(toPosition) };
  }

  async events(address: string, query: EventsQueryDto): Promise<EventsPageDto> {
    const trader = await this.get(address);
    return this.eventsPage(trader.id, query);
  }

  /** Legacy `/traders/{id}/events`: a numeric id or an address. */
  async eventsByRef(ref: string, query: EventsQueryDto): Promise<EventsPageDto> {
    const trader = ref.startsWith('0x') ? await this.traders.findByAddress(ref) : await this.traders.findById(ref);
    if (!trader) throw new DomainError('NOT_FOUND', `trader ${ref} not found`);
    return this.eventsPage(trader.id, query);
  }

  async globalEvents(query: EventsQueryDto): Promise<EventsPageDto> {
    return this.eventsPage(null, query);
  }

  async history(address: string, query: HistoryQueryDto): Promise<HistoryDto> {
    const from = query.from ? parseIsoUtc(query.from) : null;
    const to = query.to ? parseIsoUtc(query.to) : null;
    if (from && to && from > to) throw new DomainError('INVALID_INPUT', 'from must not be after to');
    const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
    const trader = await this.get(address);
    const rows = await this.accountHistory.history(trader.id, from, to, limit + 1);
    const truncated = rows.length > limit;
    // A point whose stored time is unreadable is no point of a chart: left out.
    const points = (truncated ? rows.slice(1) : rows).flatMap((r) => {
      const time = iso(r.time);
      return time === null ? [] : [{ time, account_value: r.account_value, total_ntl_pos: r.total_ntl_pos }];
    });
    return { address: trader.address, from: iso(from), to: iso(to), points, truncated };
  }

  private async eventsPage(traderId: string | null, query: EventsQueryDto): Promise<EventsPageDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.eventStore.page(traderId, limit, query.before ?? null);
    const items = rows.map((r) => toTradeEventPayload(r) as TradeEventDto);
    return { items, limit, next_before: items.length === limit ? items[items.length - 1].id : null };
  }
}

function toSummary(row: TraderRow): TraderSummaryDto {
  return {
    id: Number(row.id),
    address: row.address,
    first_seen_at: iso(row.first_seen_at),
    last_seen_trading_at: iso(row.last_seen_trading_at),
    last_tracked_at: iso(row.last_tracked_at),
    is_active: row.is_active,
    is_vault: row.is_vault,
    account_value: row.account_value,
    trades_seen: Number(row.trades_seen),
  };
}

function toPosition(row: PositionRow): PositionDto {
  return {
    coin: row.coin,
    size: row.szi,
    side: row.szi.startsWith('-') ? 'short' : 'long',
    entry_price: row.entry_px,
    updated_at: iso(row.updated_at),
    confirmed_at: iso(row.confirmed_at),
  };
}
