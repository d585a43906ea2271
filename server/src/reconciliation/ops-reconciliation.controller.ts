import { PassThrough } from 'node:stream';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditService } from '../audit/audit.service';
import { AuthUser, CurrentUser, Roles } from '../identity/auth.decorators';
import { uuidParam } from '../vetting/params';
import { DailyQuery, ItemsQuery, ReconcileBody, RunsQuery } from './dto';
import { FinanceService } from './finance.service';
import { ReconciliationService, RunView } from './reconciliation.service';

/** How long the on-demand start waits for the run to finish before answering 202 with it still RUNNING (then poll `GET :id`). */
const START_WAIT_MS = 15_000;

/** Finance and admins: reconciliation runs (start, list, drill-down, CSV) and the daily GMV/commission figures. */
@Controller('api/ops')
@Roles('FINANCE', 'ADMIN')
export class OpsReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly finance: FinanceService,
    private readonly audit: AuditService,
  ) {}

  /** 200 with the finished run (DONE or FAILED with its error), or 202 with the run still going. */
  @Post('reconciliation')
  @HttpCode(200)
  async start(@CurrentUser() user: AuthUser, @Body() body: ReconcileBody, @Res({ passthrough: true }) reply: FastifyReply): Promise<RunView> {
    const { run, done } = await this.reconciliation.start(body.date, `ops:${user.id}`);
    await this.audit.record({ actorId: user.id, action: 'reconcile.start', subjectType: 'reconciliation_run', subjectId: run.id, detail: { billDate: body.date } });
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([done, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), START_WAIT_MS)))]);
    clearTimeout(timer);
    if (finished) return finished;
    reply.status(202);
    return run;
  }

  @Get('reconciliation')
  list(@Query() query: RunsQuery) {
    return this.reconciliation.list(query);
  }

  @Get('reconciliation/:id')
  detail(@Param('id', uuidParam()) id: string, @Query() query: ItemsQuery) {
    return this.reconciliation.detail(id, query);
  }

  /** Every non-matched item as CSV (UTF-8 with BOM), streamed from the database. */
  @Get('reconciliation/:id/csv')
  async csv(@Param('id', uuidParam()) id: string, @Res() reply: FastifyReply): Promise<void> {
    const run = await this.reconciliation.get(id);
    const body = new PassThrough();
    this.reconciliation.writeCsv(id, body).then(
      () => body.end(),
      (err: Error) => body.destroy(err),
    );
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="reconciliation-${run.billDate}-${run.id}.csv"`)
      .header('cache-control', 'private, no-store')
      .send(body);
  }

  @Get('finance/daily')
  daily(@Query() query: DailyQuery) {
    return this.finance.daily(query.from, query.to);
  }
}
