import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RateBudget } from '../rate-budget/rate-budget';
import { RateBudgetModule } from '../rate-budget/rate-budget.module';
import { HyperliquidInfoClient } from './info.client';

/** The exchange's REST client, every call paid for in the shared weight budget. */
@Module({
  imports: [RateBudgetModule],
  providers: [
    {
      provide: HyperliquidInfoClient,
      inject: [RateBudget, AppConfig],
      useFactory: (budget: RateBudget, config: AppConfig) =>
        new HyperliquidInfoClient(budget, { infoUrl: config.hyperliquidInfoUrl }),
    },
  ],
  exports: [HyperliquidInfoClient],
})
export class HyperliquidModule {}
