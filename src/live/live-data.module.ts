import { Module } from '@nestjs/common';
import { TradersDataModule } from '../traders/data/traders-data.module';
import { AccountHistoryRepository } from './account-history.repository';
import { LiveRepository } from './live.repository';

const REPOSITORIES = [LiveRepository, AccountHistoryRepository];

/**
 * The live state's tables (trader_positions, live_baselines, stream_checkpoints,
 * user_state_history, account_value_points): the one place that issues SQL against them; copy,
 * tracking and the traders API ask these repositories.
 */
@Module({ imports: [TradersDataModule], providers: REPOSITORIES, exports: REPOSITORIES })
export class LiveDataModule {}
