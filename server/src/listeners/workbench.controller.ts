import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import type { WorkbenchView } from '@qingting/shared';
import { AuthUser, CurrentUser, Roles } from '../identity/auth.decorators';
import { SetHoursBody, SetOnlineBody, SetPricesBody } from './dto/workbench.dto';
import { WorkbenchService } from './workbench.service';

/** The listener's workbench: listeners only (401 without login, 403 otherwise, 403 `listener/suspended`). */
@Roles('LISTENER')
@Controller('api/workbench')
export class WorkbenchController {
  constructor(private readonly workbench: WorkbenchService) {}

  @Get()
  get(@CurrentUser() user: AuthUser): Promise<WorkbenchView> {
    return this.workbench.get(user.id);
  }

  @Put('online')
  setOnline(@CurrentUser() user: AuthUser, @Body() body: SetOnlineBody): Promise<WorkbenchView> {
    return this.workbench.setOnline(user.id, body.online);
  }

  @Post('heartbeat')
  @HttpCode(200)
  heartbeat(@CurrentUser() user: AuthUser) {
    return this.workbench.heartbeat(user.id);
  }

  @Put('hours')
  setHours(@CurrentUser() user: AuthUser, @Body() body: SetHoursBody): Promise<WorkbenchView> {
    return this.workbench.setHours(user.id, body.hours);
  }

  @Put('prices')
  setPrices(@CurrentUser() user: AuthUser, @Body() body: SetPricesBody): Promise<WorkbenchView> {
    return this.workbench.setPrices(user.id, { ...('TEXT' in body ? { TEXT: body.TEXT } : {}), ...('VOICE' in body ? { VOICE: body.VOICE } : {}) });
  }
}
