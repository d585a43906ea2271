import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { OrdersModule } from '../orders/orders.module';
import { SettlementModule } from '../settlement/settlement.module';
import { GroupsController, ListenerGroupsController, OpsGroupsController } from './groups.controller';
import { GroupsService } from './groups.service';
import { MembershipsService } from './memberships.service';

/** Paid groups (PRODUCT.md §7): groups, memberships, the GROUP chat policy, ops review. */
@Module({
  imports: [OrdersModule, ChatModule, SettlementModule],
  controllers: [GroupsController, ListenerGroupsController, OpsGroupsController],
  providers: [GroupsService, MembershipsService],
  exports: [GroupsService, MembershipsService],
})
export class GroupsModule {}
