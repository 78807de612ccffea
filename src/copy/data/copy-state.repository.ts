import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AlertRecord, CopyPositionRecord, num } from './copy.records';

/** copy_positions, copy_alerts and copy_control: what the engine holds, says and obeys. */
@Injectable()
export class CopyStateRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async positions(followerId: string): Promise<CopyPositionRecord[]> {
    const rows: Array<{ coin: string; size: string; entry_px: string; desired_size: string; leverage: number | null }> = await this.db.query(
      `SELECT coin, size, entry_px, desired_size, leverage FROM copy_positions WHERE follower_id = $1 ORDER BY coin`,
      [followerId],
    );
    return rows.map((r) => ({ coin: r.coin, size: num(r.size), entryPx: num(r.entry_px), desiredSize: num(r.desired_size), leverage: r.leverage }));
  }

  /** Positions of many followers in one statement (the engine's write-behind flush); flat and undesired rows are deleted. */
  async savePositionsMany(rows: Array<CopyPositionRecord & { followerId: string }>): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `WITH input AS (
         SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::numeric[], $4::numeric[], $5::numeric[], $6::int[]) AS t(follower_id, coin, size, entry_px, desired_size, leverage)),
       gone AS (
         DELETE FROM copy_positions p USING input i WHERE p.follower_id = i.follower_id AND p.coin = i.coin AND i.size = 0 AND i.desired_size = 0)
       INSERT INTO copy_positions (follower_id, coin, size, entry_px, desired_size, leverage, updated_at)
       SELECT follower_id, coin, size, entry_px, desired_size, leverage, now() FROM input WHERE size <> 0 OR desired_size <> 0
       ON CONFLICT (follower_id, coin) DO UPDATE SET size = EXCLUDED.size, entry_px = EXCLUDED.entry_px,
         desired_size = EXCLUDED.desired_size, leverage = COALESCE(EXCLUDED.leverage, copy_positions.leverage), updated_at = now()`,
      [
        rows.map((p) => p.followerId),
        rows.map((p) => p.coin),
        rows.map((p) => p.size),
        rows.map((p) => p.entryPx),
        rows.map((p) => p.desiredSize),
        rows.map((p) => p.leverage),
      ],
    );
  }

  async addAlert(followerId: string, kind: string, message: string): Promise<AlertRecord> {
    const rows: Array<{ id: string; created_at: Date }> = await this.db.query(
      `INSERT INTO copy_alerts (follower_id, kind, message) VALUES ($1, $2, $3) RETURNING id, created_at`,
      [followerId, kind, message],
    );
    return { id: String(rows[0].id), followerId, kind, message, createdAt: rows[0].created_at };
  }

  async alerts(followerId: string, limit: number): Promise<AlertRecord[]> {
    const rows: Array<{ id: string; kind: string; message: string; created_at: Date }> = await this.db.query(
      `SELECT id, kind, message, created_at FROM copy_alerts WHERE follower_id = $1 ORDER BY id DESC LIMIT $2`,
      [followerId, limit],
    );
    return rows.map((r) => ({ id: String(r.id), followerId, kind: r.kind, message: r.message, createdAt: r.created_at }));
  }

  async halted(): Promise<boolean> {
    const rows: Array<{ halted: boolean }> = await this.db.query('SELECT halted FROM copy_control WHERE id = 1');
    return rows[0]?.halted ?? false;
  }

  async setHalted(halted: boolean): Promise<void> {
    await this.db.query('UPDATE copy_control SET halted = $1, updated_at = now() WHERE id = 1', [halted]);
  }
}
