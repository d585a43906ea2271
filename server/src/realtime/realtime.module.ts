import { Global, Module } from '@nestjs/common';
import { RealtimeBus } from './realtime-bus';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimeService } from './realtime.service';

/** The WebSocket endpoint and the cross-instance fan-out; every module may inject RealtimeService. */
@Global()
@Module({
  providers: [RealtimeBus, RealtimeService, RealtimeGateway],
  exports: [RealtimeService],
})
export class RealtimeModule {}
