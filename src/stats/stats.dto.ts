import { ApiProperty } from '@nestjs/swagger';

const TIME_EXAMPLE = '2026-01-31T12:00:00.000Z';

export class DatabaseStatsDto {
  @ApiProperty({ example: 18234 })
  total_traders!: number;

  @ApiProperty({ example: 17002, description: 'Traders still tracked (is_active)' })
  active_traders!: number;

  @ApiProperty({ example: 523311 })
  total_trade_events!: number;

  @ApiProperty({ example: true, description: 'false when a table is past one million rows and its count is the planner\'s estimate' })
  counts_exact!: boolean;
}

export class ProcessConnectionsDto {
  @ApiProperty({ example: 12 })
  socket_io!: number;

  @ApiProperty({ example: 3 })
  websocket!: number;
}

export class WebsocketStatsDto {
  @ApiProperty({ example: 40, description: 'Live-update clients (Socket.IO + plain WebSocket) on every api replica' })
  active_connections!: number;

  @ApiProperty({ example: 2, description: 'api replicas that reported in the last 15 s' })
  api_instances!: number;

  @ApiProperty({ type: ProcessConnectionsDto, description: 'Clients of the replica that answered' })
  this_process!: ProcessConnectionsDto;
}

export class CacheStatsDto {
  @ApiProperty({ example: true })
  redis_connected!: boolean;
}

export class RateLimitStatsDto {
  @ApiProperty({ example: 1200, description: 'The exchange REST weight budget per minute (RATE_LIMIT_WEIGHT_PER_MINUTE)' })
  weight_per_minute!: number;

  @ApiProperty({ example: 1013, nullable: true, type: Number, description: 'Weight used by all workers in the last minute; null when Redis is down' })
  used_last_minute!: number | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Every worker pauses until then after an HTTP 429' })
  paused_until!: string | null;

  @ApiProperty({ example: 0, nullable: true, type: Number })
  consecutive_429!: number | null;
}

export class TrackingStatsDto {
  @ApiProperty({ example: 37, nullable: true, type: Number, description: 'Traders that traded (or were queued by an admin) and await a snapshot' })
  pending_signals!: number | null;
}

export class DiscoveryStatsDto {
  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'When discovery last stored a batch of public trades' })
  last_trades_at!: string | null;

  @ApiProperty({ example: 200000, nullable: true, type: Number })
  trades_stream_length!: number | null;
}

export class StatsDto {
  @ApiProperty({ type: DatabaseStatsDto })
  database!: DatabaseStatsDto;

  @ApiProperty({ type: WebsocketStatsDto })
  websocket!: WebsocketStatsDto;

  @ApiProperty({ type: CacheStatsDto })
  cache!: CacheStatsDto;

  @ApiProperty({ type: RateLimitStatsDto })
  rate_limit!: RateLimitStatsDto;

  @ApiProperty({ type: TrackingStatsDto })
  tracking!: TrackingStatsDto;

  @ApiProperty({ type: DiscoveryStatsDto })
  discovery!: DiscoveryStatsDto;

  @ApiProperty({ example: TIME_EXAMPLE })
  timestamp!: string;
}

export class FreshnessItemDto {
  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String })
  at!: string | null;

  @ApiProperty({ example: 4.2, nullable: true, type: Number })
  age_seconds!: number | null;

  @ApiProperty({ example: 300 })
  stale_after_seconds!: number;

  @ApiProperty({ example: 'fresh', enum: ['fresh', 'stale', 'none'], description: '`none`: no data yet' })
  status!: 'fresh' | 'stale' | 'none';
}

export class SnapshotFreshnessDto extends FreshnessItemDto {
  @ApiProperty({ example: 12, description: 'Active traders never snapshotted yet' })
  never_tracked!: number;
}

/** Day-one coverage: the exchange's leaderboard file and how much of it enrichment has backfilled. */
export class BackfillProgressDto {
  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'Last read of EXCHANGE_LEADERBOARD_URL' })
  exchange_board_read_at!: string | null;

  @ApiProperty({ example: 31250, description: 'Wallets in the file at that read' })
  exchange_board_rows!: number;

  @ApiProperty({ example: 31250, description: 'Traders with the exchange\'s reported figures' })
  seeded_traders!: number;

  @ApiProperty({ example: 420, description: 'Of those, traders whose portfolio and fills enrichment has fetched' })
  backfilled_traders!: number;

  @ApiProperty({ example: 0.0134, nullable: true, type: Number, description: 'backfilled / seeded (null before any seeding)' })
  backfilled_share!: number | null;
}

export class TradersFreshnessDto {
  @ApiProperty({ example: 'ok', enum: ['ok', 'stale'], description: '`stale` when any part is stale' })
  status!: 'ok' | 'stale';

  @ApiProperty({ type: FreshnessItemDto, description: 'The newest public trade in the fills ledger (discovery)' })
  newest_trade!: FreshnessItemDto;

  @ApiProperty({ type: SnapshotFreshnessDto, description: 'The least recently snapshotted active trader (tracking)' })
  oldest_tracked_snapshot!: SnapshotFreshnessDto;

  @ApiProperty({ type: FreshnessItemDto, description: 'The newest finished leaderboard generation' })
  leaderboard!: FreshnessItemDto;

  @ApiProperty({ type: BackfillProgressDto })
  backfill!: BackfillProgressDto;

  @ApiProperty({ example: TIME_EXAMPLE })
  timestamp!: string;
}
