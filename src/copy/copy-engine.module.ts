import { Module } from '@nestjs/common';
import { HyperliquidModule } from '../hyperliquid/hyperliquid.module';
import { CopyDataModule } from './copy-data.module';
import { CopyEngineRepositories } from './engine/copy-engine.repositories';
import { CopyEngineService } from './engine/copy-engine.service';

/** The copy engine (worker role): followers mirror leaders, paper and live. */
@Module({
  imports: [CopyDataModule, HyperliquidModule],
  providers: [CopyEngineRepositories, CopyEngineService],
})
export class CopyEngineModule {}
