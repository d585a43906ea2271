import { Controller, Get } from '@nestjs/common';
import { Public } from '../identity/auth.decorators';
import { DomainError } from '../common/errors/domain-error';
import { HealthService, Readiness } from './health.service';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process is up and serving; never touches dependencies. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 when PostgreSQL and Redis answer; 503 `health/not_ready` naming what is down. */
  @Get('ready')
  async ready(): Promise<Readiness> {
    const readiness = await this.health.readiness();
    if (readiness.status === 'ready') return readiness;
    const failing = Object.entries(readiness.checks).filter(([, state]) => state !== 'up');
    throw new DomainError(
      'health/not_ready',
      `服务暂未就绪：${failing.map(([name]) => name).join('、')}`,
      failing.map(([field, state]) => ({ field, problem: state })),
    );
  }
}
