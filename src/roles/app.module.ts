import { DynamicModule, Module, Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { ApiRoleModule } from './api.module';
import { CoreModule } from './core.module';
import { DiscoveryRoleModule } from './discovery.module';
import { WorkerRoleModule } from './worker.module';

/** The root module for the roles in ROLE: the core plus each role's own root module. */
@Module({})
export class AppModule {
  static forRoles(config: AppConfig): DynamicModule {
    const imports: Array<DynamicModule | Type> = [CoreModule.forRoot(config)];
    if (config.hasRole('worker') || config.hasRole('discovery')) imports.push(ScheduleModule.forRoot());
    if (config.hasRole('api')) imports.push(ApiRoleModule);
    if (config.hasRole('worker')) imports.push(WorkerRoleModule);
    if (config.hasRole('discovery')) imports.push(DiscoveryRoleModule);
    return { module: AppModule, imports };
  }
}
