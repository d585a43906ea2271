import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '../identity/auth.decorators';
import { orderIdParam as uuidParam } from '../orders/dto';
import { DisputesService } from './disputes.service';
import { DecideDisputeBody, OpsDisputesQuery, OpsReportsQuery, ResolveReportBody } from './dto';
import { ReportsService } from './reports.service';

/** Moderators and admins: the reports queue. */
@Controller('api/ops/reports')
@Roles('MODERATOR', 'ADMIN')
export class OpsReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  list(@Query() query: OpsReportsQuery) {
    return this.reports.list(query);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ResolveReportBody) {
    return this.reports.resolve(user, id, body.status, body.resolution);
  }
}

/** Support agents, finance and admins: the disputes queue and its money decisions. */
@Controller('api/ops/disputes')
@Roles('AGENT', 'FINANCE', 'ADMIN')
export class OpsDisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Get()
  list(@Query() query: OpsDisputesQuery) {
    return this.disputes.list(query);
  }

  @Post(':id/decide')
  @HttpCode(200)
  decide(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: DecideDisputeBody) {
    return this.disputes.decide(user, id, body);
  }
}
