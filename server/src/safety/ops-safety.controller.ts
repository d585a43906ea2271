import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { CrisisAlertStatus } from '@qingting/prisma';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/page-query.dto';
import { AuthUser, CurrentUser, Roles } from '../identity/auth.decorators';
import { orderIdParam as uuidParam } from '../orders/dto';
import { CrisisAlertsService, type CrisisResolution } from './crisis-alerts.service';

const ALERT_STATUSES = ['OPEN', 'HANDLED', 'FALSE_POSITIVE'] as const;

export class CrisisAlertsQuery extends PageQuery {
  @IsOptional()
  @IsIn(ALERT_STATUSES, { message: 'status 必须是 OPEN、HANDLED 或 FALSE_POSITIVE' })
  status?: CrisisAlertStatus;
}

export class ResolveCrisisAlertBody {
  @IsIn(['HANDLED', 'FALSE_POSITIVE'], { message: 'status 必须是 HANDLED 或 FALSE_POSITIVE' })
  status!: CrisisResolution;

  @IsOptional()
  @IsString({ message: 'note 必须是文字' })
  @MaxLength(500, { message: 'note 最多 500 字' })
  note?: string;
}

/** Moderators, support agents and admins: the crisis alert queue and the lexicon's misfires. */
@Controller('api/ops/crisis-alerts')
@Roles('MODERATOR', 'AGENT', 'ADMIN')
export class OpsSafetyController {
  constructor(private readonly alerts: CrisisAlertsService) {}

  @Get()
  list(@Query() query: CrisisAlertsQuery) {
    return this.alerts.list(query);
  }

  @Get('false-positives/summary')
  falsePositives() {
    return this.alerts.falsePositiveSummary();
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ResolveCrisisAlertBody) {
    return this.alerts.resolve(user.id, id, body.status, body.note?.trim() || null);
  }
}
