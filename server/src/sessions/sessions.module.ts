import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { AppConfig } from '../infra/config/app-config';
import { ListenersModule } from '../listeners/listeners.module';
import { OrdersModule } from '../orders/orders.module';
import { SettlementModule } from '../settlement/settlement.module';
import { SessionLifecycleService } from './session-lifecycle.service';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
import { DevVoiceController } from './voice/dev-voice.controller';
import { SimulatedVoiceProvider } from './voice/simulated-voice.provider';
import { VOICE_PROVIDER } from './voice/voice-provider';

/** Timed sessions (PRODUCT.md §4): lifecycle, timers, settlement, extensions, gifts, voice. */
@Module({
  imports: [OrdersModule, ListenersModule, ChatModule, SettlementModule],
  controllers: [SessionsController, DevVoiceController],
  providers: [
    SessionsService,
    SessionLifecycleService,
    {
      provide: VOICE_PROVIDER,
      // One provider today; a real one (privacy numbers or RTC) is chosen here by VOICE_PROVIDER.
      useFactory: (config: AppConfig) => {
        if (config.VOICE_PROVIDER === 'simulated') return new SimulatedVoiceProvider();
        throw new Error(`unknown VOICE_PROVIDER ${config.VOICE_PROVIDER}`);
      },
      inject: [AppConfig],
    },
  ],
  exports: [SessionsService, SessionLifecycleService],
})
export class SessionsModule {}
