import { Module } from '@nestjs/common';
import { HealthRegistry } from './health.registry';

/** Holds the HealthRegistry; the controller is mounted once, by CoreModule. */
@Module({ providers: [HealthRegistry], exports: [HealthRegistry] })
export class HealthModule {}
