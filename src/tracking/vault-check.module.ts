import { Module } from '@nestjs/common';
import { HyperliquidModule } from '../hyperliquid/hyperliquid.module';
import { TradersDataModule } from '../traders/data/traders-data.module';
import { VaultCheckMetrics } from './vault-check.metrics';
import { VaultCheckService } from './vault-check.service';

/**
 * Vault checks on their own, so any role can ask `VaultCheckService.ensureVaultChecked` (e.g.
 * before a follow) without running tracking's schedules.
 */
@Module({
  imports: [HyperliquidModule, TradersDataModule],
  providers: [VaultCheckService, VaultCheckMetrics],
  exports: [VaultCheckService],
})
export class VaultCheckModule {}
