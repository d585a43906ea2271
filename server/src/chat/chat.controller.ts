import { Controller, Get, Param, Query } from '@nestjs/common';
import type { MessageView } from '@qingting/shared';
import { AuthUser, CurrentUser } from '../identity/auth.decorators';
import { ChatService } from './chat.service';
import { conversationIdParam, HistoryQuery } from './dto';

/** A conversation's messages over REST: what a client missed, when the socket cannot fill a gap. */
@Controller('api/conversations')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Get(':id/messages')
  messages(@CurrentUser() user: AuthUser, @Param('id', conversationIdParam()) id: string, @Query() query: HistoryQuery): Promise<{ messages: MessageView[]; lastSeq: number }> {
    return this.chat.history(id, user.id, query.afterSeq, query.limit);
  }
}
