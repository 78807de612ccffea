import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Copy trading: followers (token stored hashed, agent key encrypted), their follows, the order
 * journal (every decision with its cloid, written before the send), the follower's positions,
 * equity points and alerts, and the global halt.
 */
export class CopyTrading1764500000001 implements MigrationInterface {
  name = 'CopyTrading1764500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE copy_followers (
        id                bigserial PRIMARY KEY,
        address           varchar(42) NOT NULL UNIQUE CHECK (address ~ '^0x[0-9a-f]{40}$'),
        name              varchar(100),
        mode              varchar(8) NOT NULL CHECK (mode IN ('paper', 'live')),
        status            varchar(8) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'stopped')),
        stop_reason       varchar(32),
        token_hash        char(64) NOT NULL UNIQUE,
        agent_key_enc     text,
        agent_address     varchar(42) CHECK (agent_address ~ '^0x[0-9a-f]{40}$'),
        paper_equity_usd  numeric NOT NULL DEFAULT 10000,
        max_drawdown_pct  numeric CHECK (max_drawdown_pct > 0 AND max_drawdown_pct <= 100),
        equity_usd        numeric NOT NULL,
        peak_equity_usd   numeric NOT NULL,
        realized_pnl_usd  numeric NOT NULL DEFAULT 0,
        fees_usd          numeric NOT NULL DEFAULT 0,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CHECK (mode = 'paper' OR (agent_key_enc IS NOT NULL AND agent_address IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE copy_follows (
        id                   bigserial PRIMARY KEY,
        follower_id          bigint NOT NULL REFERENCES copy_followers(id) ON DELETE CASCADE,
        leader_id            bigint NOT NULL REFERENCES traders(id),
        leader               varchar(42) NOT NULL,
        status               varchar(8) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped', 'removed')),
        stop_reason          varchar(32),
        sizing               varchar(16) NOT NULL CHECK (sizing IN ('proportional', 'fixed_ratio', 'fixed_notional')),
        multiplier           numeric NOT NULL DEFAULT 1 CHECK (multiplier > 0),
        ratio                numeric CHECK (ratio > 0),
        notional_usd         numeric CHECK (notional_usd > 0),
        max_leverage         integer CHECK (max_leverage >= 1),
        max_position_usd     numeric CHECK (max_position_usd > 0),
        max_total_usd        numeric CHECK (max_total_usd > 0),
        max_loss_usd         numeric CHECK (max_loss_usd > 0),
        coins_allow          text[],
        coins_deny           text[],
        sides                varchar(5) NOT NULL DEFAULT 'both' CHECK (sides IN ('both', 'long', 'short')),
        reverse              boolean NOT NULL DEFAULT false,
        slippage_bps         integer CHECK (slippage_bps BETWEEN 1 AND 1000),
        rebalance_band_pct   numeric NOT NULL DEFAULT 5 CHECK (rebalance_band_pct >= 0 AND rebalance_band_pct <= 100),
        copy_open_positions  boolean NOT NULL DEFAULT false,
        state                jsonb,
        realized_pnl_usd     numeric NOT NULL DEFAULT 0,
        fees_usd             numeric NOT NULL DEFAULT 0,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX idx_copy_follows_live ON copy_follows (follower_id, leader) WHERE status <> 'removed'`);
    await q.query(`CREATE INDEX idx_copy_follows_leader ON copy_follows (leader) WHERE status = 'active'`);
    await q.query(`
      CREATE TABLE copy_orders (
        id                bigserial PRIMARY KEY,
        follower_id       bigint NOT NULL REFERENCES copy_followers(id) ON DELETE CASCADE,
        cloid             char(34) NOT NULL UNIQUE CHECK (cloid ~ '^0x[0-9a-f]{32}$'),
        leader            varchar(42),
        coin              varchar(32) NOT NULL,
        side              varchar(4) NOT NULL CHECK (side IN ('buy', 'sell')),
        kind              varchar(10) NOT NULL,
        size              numeric NOT NULL,
        limit_price       numeric,
        reduce_only       boolean NOT NULL,
        status            varchar(16) NOT NULL CHECK (status IN ('pending', 'sent', 'filled', 'partially_filled', 'rejected', 'failed', 'skipped')),
        filled_size       numeric NOT NULL DEFAULT 0,
        avg_price         numeric,
        fee_usd           numeric NOT NULL DEFAULT 0,
        oid               bigint,
        error             text,
        trigger           varchar(10) NOT NULL CHECK (trigger IN ('signal', 'reconcile', 'stop')),
        trigger_event_id  bigint,
        trigger_time      timestamptz,
        leader_price      numeric,
        created_at        timestamptz NOT NULL DEFAULT now(),
        sent_at           timestamptz,
        acked_at          timestamptz,
        filled_at         timestamptz
      )`);
    await q.query(`CREATE INDEX idx_copy_orders_follower ON copy_orders (follower_id, id DESC)`);
    await q.query(`CREATE INDEX idx_copy_orders_unresolved ON copy_orders (follower_id) WHERE status IN ('pending', 'sent')`);
    await q.query(`
      CREATE TABLE copy_positions (
        follower_id   bigint NOT NULL REFERENCES copy_followers(id) ON DELETE CASCADE,
        coin          varchar(32) NOT NULL,
        size          numeric NOT NULL,
        entry_px      numeric NOT NULL DEFAULT 0,
        desired_size  numeric NOT NULL DEFAULT 0,
        leverage      integer,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (follower_id, coin)
      )`);
    await q.query(`
      CREATE TABLE copy_equity_points (
        follower_id  bigint NOT NULL REFERENCES copy_followers(id) ON DELETE CASCADE,
        time         timestamptz NOT NULL,
        equity_usd   numeric NOT NULL,
        PRIMARY KEY (follower_id, time)
      )`);
    await q.query(`
      CREATE TABLE copy_alerts (
        id           bigserial PRIMARY KEY,
        follower_id  bigint NOT NULL REFERENCES copy_followers(id) ON DELETE CASCADE,
        kind         varchar(32) NOT NULL,
        message      text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX idx_copy_alerts_follower ON copy_alerts (follower_id, id DESC)`);
    await q.query(`
      CREATE TABLE copy_control (
        id          smallint PRIMARY KEY CHECK (id = 1),
        halted      boolean NOT NULL DEFAULT false,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO copy_control (id, halted) VALUES (1, false)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['copy_control', 'copy_alerts', 'copy_equity_points', 'copy_positions', 'copy_orders', 'copy_follows', 'copy_followers']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
