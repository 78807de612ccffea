import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seed's schema, improved: lower-case unique addresses, timestamptz everywhere, numeric money,
 * an idempotent trade_events outbox, a public fills ledger keyed on (coin, tid), a lean account
 * value series, live positions, and generation-versioned leaderboard metrics.
 */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE traders (
        id                    bigserial PRIMARY KEY,
        address               varchar(42) NOT NULL UNIQUE
                              CHECK (address ~ '^0x[0-9a-f]{40}$'),
        first_seen_at         timestamptz NOT NULL DEFAULT now(),
        last_seen_trading_at  timestamptz,
        last_tracked_at       timestamptz,
        is_active             boolean NOT NULL DEFAULT true,
        is_vault              boolean NOT NULL DEFAULT false,
        role                  varchar(16),
        role_checked_at       timestamptz,
        account_value         numeric,
        trades_seen           bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE INDEX idx_traders_tracking_queue
        ON traders (last_tracked_at ASC NULLS FIRST) WHERE is_active`);
    await q.query(`CREATE INDEX idx_traders_role_unchecked ON traders (id) WHERE role_checked_at IS NULL`);

    await q.query(`
      CREATE TABLE fills (
        coin    varchar(32) NOT NULL,
        tid     bigint NOT NULL,
        buyer   varchar(42) NOT NULL,
        seller  varchar(42) NOT NULL,
        px      numeric NOT NULL,
        sz      numeric NOT NULL,
        side    char(1) NOT NULL CHECK (side IN ('A', 'B')),
        time    timestamptz NOT NULL,
        hash    varchar(66) NOT NULL,
        PRIMARY KEY (coin, tid)
      )`);
    await q.query(`CREATE INDEX idx_fills_buyer_time ON fills (buyer, time)`);
    await q.query(`CREATE INDEX idx_fills_seller_time ON fills (seller, time)`);
    await q.query(`CREATE INDEX idx_fills_time ON fills (time)`);

    await q.query(`
      CREATE TABLE trade_events (
        id              bigserial PRIMARY KEY,
        trader_id       bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        trader_address  varchar(42) NOT NULL,
        coin            varchar(32) NOT NULL,
        event_type      varchar(32) NOT NULL CHECK (event_type IN (
                          'position_opened', 'position_closed', 'position_increased',
                          'position_decreased', 'position_flipped')),
        source          varchar(16) NOT NULL CHECK (source IN ('stream', 'snapshot')),
        timestamp       timestamptz NOT NULL,
        details         jsonb NOT NULL,
        dedupe_key      varchar(200) NOT NULL UNIQUE,
        published_at    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX idx_trade_events_trader ON trade_events (trader_id, id DESC)`);
    await q.query(`CREATE INDEX idx_trade_events_unpublished ON trade_events (id) WHERE published_at IS NULL`);

    await q.query(`
      CREATE TABLE user_state_history (
        id             bigserial PRIMARY KEY,
        trader_id      bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        captured_at    timestamptz NOT NULL,
        account_value  numeric NOT NULL,
        total_ntl_pos  numeric NOT NULL,
        positions      jsonb NOT NULL,
        state_data     jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX idx_user_state_history_trader ON user_state_history (trader_id, captured_at DESC)`);

    await q.query(`
      CREATE TABLE account_value_points (
        trader_id      bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        time           timestamptz NOT NULL,
        account_value  numeric NOT NULL,
        total_ntl_pos  numeric NOT NULL,
        PRIMARY KEY (trader_id, time)
      )`);

    await q.query(`
      CREATE TABLE trader_positions (
        trader_id     bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        coin          varchar(32) NOT NULL,
        szi           numeric NOT NULL,
        entry_px      numeric,
        updated_at    timestamptz NOT NULL,
        confirmed_at  timestamptz,
        PRIMARY KEY (trader_id, coin)
      )`);

    await q.query(`
      CREATE TABLE leaderboard_generations (
        id            bigserial PRIMARY KEY,
        started_at    timestamptz NOT NULL,
        computed_at   timestamptz,
        trader_count  integer NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE leaderboard_metrics (
        generation         bigint NOT NULL REFERENCES leaderboard_generations(id) ON DELETE CASCADE,
        "window"           varchar(8) NOT NULL CHECK ("window" IN ('1d', '7d', '30d', 'all')),
        trader_id          bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        address            varchar(42) NOT NULL,
        trader_score       double precision NOT NULL DEFAULT 0,
        account_age_days   integer NOT NULL DEFAULT 0,
        total_volume_usd   numeric NOT NULL DEFAULT 0,
        trades_count       integer NOT NULL DEFAULT 0,
        win_rate           double precision,
        avg_risk_ratio     double precision,
        max_drawdown       double precision,
        max_profit_usd     numeric,
        max_loss_usd       numeric,
        realized_pnl_usd   numeric,
        account_value_usd  numeric,
        roi                double precision,
        profit_factor      double precision,
        coverage           jsonb NOT NULL DEFAULT '{}'::jsonb,
        PRIMARY KEY (generation, "window", trader_id)
      )`);
    await q.query(`
      CREATE INDEX idx_leaderboard_metrics_score
        ON leaderboard_metrics (generation, "window", trader_score DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'leaderboard_metrics',
      'leaderboard_generations',
      'trader_positions',
      'account_value_points',
      'user_state_history',
      'trade_events',
      'fills',
      'traders',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
