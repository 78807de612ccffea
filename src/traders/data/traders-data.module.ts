import { Module } from '@nestjs/common';
import { TrackingQueueRepository } from './tracking-queue.repository';
import { TradersRepository } from './traders.repository';

const REPOSITORIES = [TradersRepository, TrackingQueueRepository];

/**
 * The `traders` table family (`traders`, `address_roles`): the one place that issues SQL against
 * it; tracking, live, copy, stats and the traders API ask these repositories.
 */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class TradersDataModule {}
