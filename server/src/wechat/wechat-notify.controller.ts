import { Controller, HttpCode, Param, Post, RawBodyRequest, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IsIn } from 'class-validator';
import { Public } from '../identity/auth.decorators';
import { NOTIFY_KINDS, NotifyKind } from './wechat-events';
import { WechatNotifyService } from './wechat-notify.service';

class NotifyParams {
  @IsIn(NOTIFY_KINDS as NotifyKind[])
  kind!: NotifyKind;
}

/** WeChat Pay posts notifications here (notify_url); 204 tells it to stop retrying. */
@Public()
@Controller('api/wechat/notify')
export class WechatNotifyController {
  constructor(private readonly notify: WechatNotifyService) {}

  @Post(':kind')
  @HttpCode(204)
  async receive(@Param() params: NotifyParams, @Req() req: RawBodyRequest<FastifyRequest>): Promise<void> {
    await this.notify.receive(params.kind, req.headers, req.rawBody);
  }
}
