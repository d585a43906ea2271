import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../infra/config/app-config';
import { ContentSecurityService } from './content-security.service';
import { WECHAT_API_OPTIONS, WechatApiClient } from './wechat-api.client';
import { WechatEvents } from './wechat-events';
import { WechatNotifyController } from './wechat-notify.controller';
import { WechatNotifyService } from './wechat-notify.service';
import { WechatPayClient } from './wechat-pay.client';
import { resolveWechatSettings, WECHAT_SETTINGS, WechatSettings } from './wechat-settings';

/** The WeChat platform for every other module: login, content security, subscribe messages, Pay and its notifications. */
@Global()
@Module({
  controllers: [WechatNotifyController],
  providers: [
    { provide: WECHAT_SETTINGS, useFactory: resolveWechatSettings, inject: [AppConfig] },
    { provide: WECHAT_API_OPTIONS, useFactory: (s: WechatSettings) => s.api, inject: [WECHAT_SETTINGS] },
    WechatApiClient,
    WechatPayClient,
    WechatEvents,
    WechatNotifyService,
    ContentSecurityService,
  ],
  exports: [WECHAT_SETTINGS, WechatApiClient, WechatPayClient, WechatEvents, ContentSecurityService],
})
export class WechatModule {}
