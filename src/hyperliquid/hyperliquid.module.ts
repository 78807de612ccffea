import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RateBudget } from '../rate-budget/rate-budget';
import { RateBudgetModule } from '../rate-budget/rate-budget.module';
import { HyperliquidExchangeClient } from './exchange.client';
import { HyperliquidInfoClient } from './info.client';

/** The exchange's REST clients (info, and signed exchange actions), every call paid for in the shared weight budget. */
@Module({
  imports: [RateBudgetModule],
  providers: [
    {
      provide: HyperliquidInfoClient,
      inject: [RateBudget, AppConfig],
      useFactory: (budget: RateBudget, config: AppConfig) =>
        new HyperliquidInfoClient(budget, { infoUrl: config.hyperliquidInfoUrl }),
    },
    {
      provide: HyperliquidExchangeClient,
      inject: [RateBudget, HyperliquidInfoClient, AppConfig],
      useFactory: (budget: RateBudget, info: HyperliquidInfoClient, config: AppConfig) =>
        new HyperliquidExchangeClient(budget, info, {
          apiUrl: config.hyperliquidInfoUrl.replace(/\/info$/, ''),
          // HYPERLIQUID_NETWORK: which chain the agents sign for (source "a" mainnet, "b" testnet).
          isTestnet: config.hyperliquidNetwork === 'testnet',
        }),
    },
  ],
  exports: [HyperliquidInfoClient, HyperliquidExchangeClient],
})
export class HyperliquidModule {}
