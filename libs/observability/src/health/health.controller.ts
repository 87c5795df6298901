import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { HealthRegistry } from './health-registry.service.js';

/**
 * Kubernetes-style probes. live: the process answers HTTP (restart it if not).
 * ready: every registered dependency is up (stop routing to it if not); 503 with
 * the same body shape when one is down.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly registry: HealthRegistry,
  ) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.registry.indicators());
  }
}
