import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { ListenersModule } from '../listeners/listeners.module';
import { OrdersModule } from '../orders/orders.module';
import { SafetyModule } from '../safety/safety.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ConversationHolds } from './conversation-holds';
import { DisputesService } from './disputes.service';
import { FeedbackController } from './feedback.controller';
import { OpsDisputesController, OpsReportsController } from './ops-feedback.controller';
import { ReportsService } from './reports.service';
import { ReviewsService } from './reviews.service';

/** After the session (PRODUCT.md §4, §10 queues): reviews, reports and disputes, and their ops queues. */
@Module({
  imports: [SessionsModule, ChatModule, OrdersModule, ListenersModule, SafetyModule],
  controllers: [FeedbackController, OpsReportsController, OpsDisputesController],
  providers: [ReviewsService, ReportsService, DisputesService, ConversationHolds],
})
export class FeedbackModule {}
