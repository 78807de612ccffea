import { Module } from '@nestjs/common';
import { TradersModule } from '../traders/traders.module';
import { AdminKeyGuard } from '../common/auth/admin-key.guard';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

/** Admin routes behind ADMIN_API_KEY (api role): each queues work for the workers. */
@Module({
  imports: [TradersModule],
  controllers: [AdminController],
  providers: [AdminService, AdminKeyGuard],
})
export class AdminModule {}
