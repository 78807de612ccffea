import { Module } from '@nestjs/common';
import { LiveDataModule } from '../live/live-data.module';
import { TradersDataModule } from '../traders/data/traders-data.module';
import { CopyOrdersRepository } from './data/copy-orders.repository';
import { CopyStateRepository } from './data/copy-state.repository';
import { FollowersRepository } from './data/followers.repository';
import { FollowsRepository } from './data/follows.repository';
import { LeaderHistoryRepository } from './data/leader-history.repository';
import { LeaderStateRepository } from './data/leader-state.repository';

const REPOSITORIES = [FollowersRepository, FollowsRepository, CopyOrdersRepository, CopyStateRepository, LeaderStateRepository, LeaderHistoryRepository];

/** Copy trading's tables (one repository per table family); leaders are asked of traders' and live's owners. */
@Module({ imports: [TradersDataModule, LiveDataModule], providers: REPOSITORIES, exports: REPOSITORIES })
export class CopyDataModule {}
