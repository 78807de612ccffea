import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthRegistry } from '../health/health.registry';

@Injectable()
export class DatabaseHealthIndicator implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'database',
      required: true,
      check: async () => {
        await this.dataSource.query('SELECT 1');
        return {};
      },
    });
  }
}
