import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';

@ApiTags('meta')
@Controller()
export class RootController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({ summary: 'Service name, version and links' })
  @ApiOkResponse({
    schema: {
      example: {
        name: 'traderscout',
        version: '0.1.0',
        docs: '/docs',
        openapi: '/docs-json',
        health: '/health/detailed',
        dashboard: '/dashboard',
      },
    },
  })
  root(): Record<string, string> {
    return {
      name: 'traderscout',
      description: 'Hyperliquid trader discovery, tracking, leaderboard and live position events',
      version: this.config.version,
      docs: '/docs',
      openapi: '/docs-json',
      health: '/health/detailed',
      metrics: '/metrics',
      leaderboard: '/api/v1/leaderboard',
      dashboard: '/dashboard',
    };
  }
}
