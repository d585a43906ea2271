import { Module } from '@nestjs/common';
import { SafetyModule } from '../safety/safety.module';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';
import { ChatService } from './chat.service';
import { GroupHistoryPruner } from './group-history';

/** Conversations, encrypted messages, retention and crypto-shredding; real-time through RealtimeModule. */
@Module({
  imports: [SafetyModule],
  controllers: [ChatController],
  providers: [ChatService, ChatGateway, GroupHistoryPruner],
  exports: [ChatService],
})
export class ChatModule {}
