import { AccountValuePointEntity } from './entities/account-value-point.entity';
import { FillEntity } from './entities/fill.entity';
import { LeaderboardGenerationEntity, LeaderboardMetricEntity } from './entities/leaderboard.entity';
import { TradeEventEntity } from './entities/trade-event.entity';
import { TraderPositionEntity } from './entities/trader-position.entity';
import { TraderEntity } from './entities/trader.entity';
import { UserStateSnapshotEntity } from './entities/user-state-snapshot.entity';

export {
  AccountValuePointEntity,
  FillEntity,
  LeaderboardGenerationEntity,
  LeaderboardMetricEntity,
  TradeEventEntity,
  TraderEntity,
  TraderPositionEntity,
  UserStateSnapshotEntity,
};

/** Listed explicitly: the same set under ts-jest and in dist. */
export const ENTITIES = [
  TraderEntity,
  FillEntity,
  TradeEventEntity,
  UserStateSnapshotEntity,
  AccountValuePointEntity,
  TraderPositionEntity,
  LeaderboardGenerationEntity,
  LeaderboardMetricEntity,
];
