import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { ChatModule } from './chat/chat.module';
import { FeedbackModule } from './feedback/feedback.module';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { AppConfig } from './infra/config/app-config';
import { ConfigModule } from './infra/config/config.module';
import { DatabaseModule } from './infra/database/database.module';
import { LoggingModule } from './infra/logging/logging.module';
import { RedisModule } from './infra/redis/redis.module';
import { LedgerModule } from './ledger/ledger.module';
import { ListenersModule } from './listeners/listeners.module';
import { OpsModule } from './ops/ops.module';
import { OrdersModule } from './orders/orders.module';
import { RealtimeModule } from './realtime/realtime.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { SafetyModule } from './safety/safety.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SessionsModule } from './sessions/sessions.module';
import { SettlementModule } from './settlement/settlement.module';
import { StorageModule } from './storage/storage.module';
import { VettingModule } from './vetting/vetting.module';
import { WechatModule } from './wechat/wechat.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), LoggingModule, DatabaseModule, RedisModule, AuditModule, SchedulerModule, WechatModule, IdentityModule, HealthModule, ListenersModule, StorageModule, VettingModule, OpsModule, LedgerModule, OrdersModule, SafetyModule, RealtimeModule, ChatModule, SessionsModule, FeedbackModule, SettlementModule, ReconciliationModule, GroupsModule],
    };
  }
}
