import { Module } from '@nestjs/common';
import { DashboardAssets } from './dashboard-assets.service';
import { DashboardController } from './dashboard.controller';

/** Role `api`: the built-in live dashboard at `/dashboard` (static files over the public API). */
@Module({
  controllers: [DashboardController],
  providers: [DashboardAssets],
})
export class DashboardModule {}
