import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { join } from 'path';
import { DashboardAsset, DashboardAssetSet, loadDashboardAssets } from './dashboard-assets';

/**
 * The dashboard's files, read once at boot from `public/` beside this file (src/dashboard/public
 * under ts-node and jest, dist/dashboard/public after `npm run build`, which copies it there).
 */
@Injectable()
export class DashboardAssets implements OnModuleInit {
  private readonly logger = new Logger(DashboardAssets.name);
  private set: DashboardAssetSet = { page: null, assets: new Map(), missing: [] };

  onModuleInit(): void {
    this.set = loadDashboardAssets(join(__dirname, 'public'));
    if (this.set.missing.length > 0) {
      // The API keeps working; /dashboard answers 503 naming the fix.
      this.logger.error({ msg: 'dashboard files missing (run `npm run build`)', missing: this.set.missing });
    }
  }

  get page(): Buffer | null {
    return this.set.page;
  }

  asset(name: string): DashboardAsset | undefined {
    return this.set.assets.get(name);
  }
}
