import { Module } from '@nestjs/common';
import { CopyAdminController } from './api/copy-admin.controller';
import { CopyBusService } from './api/copy-bus.service';
import { CopyFollowersController } from './api/copy-followers.controller';
import { CopyReadService } from './api/copy-read.service';
import { CopySimulateController } from './api/copy-simulate.controller';
import { CopySimulateService } from './api/copy-simulate.service';
import { FollowerAuthGuard } from './api/follower-auth.guard';
import { FollowersService } from './api/followers.service';
import { FollowsService } from './api/follows.service';
import { CopyDataModule } from './copy-data.module';

/** Copy trading's REST routes (api role): followers, follows, journal, performance, the halt, the backtest. */
@Module({
  imports: [CopyDataModule],
  controllers: [CopyFollowersController, CopyAdminController, CopySimulateController],
  providers: [CopyBusService, FollowersService, FollowsService, CopyReadService, FollowerAuthGuard, CopySimulateService],
})
export class CopyApiModule {}
