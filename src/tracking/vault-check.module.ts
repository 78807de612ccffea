import { Module } from '@nestjs/common';
import { HyperliquidModule } from '../hyperliquid/hyperliquid.module';
import { TrackingQueueRepository } from './tracking-queue.repository';
import { VaultCheckMetrics } from './vault-check.metrics';
import { VaultCheckService } from './vault-check.service';
import { VaultRoleRepository } from './vault-role.repository';

/**
 * Vault checks on their own, so any role can ask `VaultCheckService.ensureVaultChecked` (e.g.
 * before a follow) without running tracking's schedules.
 */
@Module({
  imports: [HyperliquidModule],
  providers: [VaultCheckService, VaultRoleRepository, VaultCheckMetrics, TrackingQueueRepository],
  exports: [VaultCheckService],
})
export class VaultCheckModule {}
