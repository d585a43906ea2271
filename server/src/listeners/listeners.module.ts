import { Module } from '@nestjs/common';
import { ListenerStatsService } from './listener-stats.service';
import { ListenersController } from './listeners.controller';
import { ListenersService } from './listeners.service';
import { PresenceService } from './presence.service';
import { WorkbenchController } from './workbench.controller';
import { WorkbenchService } from './workbench.service';

@Module({
  controllers: [ListenersController, WorkbenchController],
  providers: [ListenersService, ListenerStatsService, PresenceService, WorkbenchService],
  exports: [ListenersService, ListenerStatsService, PresenceService],
})
export class ListenersModule {}
