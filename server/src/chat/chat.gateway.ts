import { Injectable, OnModuleInit } from '@nestjs/common';
import { field } from '../realtime/frames';
import { RealtimeService } from '../realtime/realtime.service';
import { ChatService } from './chat.service';

/** Longest client-chosen message id (a UUID is 36). */
const CLIENT_ID_MAX = 64;

/** The chat's client frames (shared/src/sessions.ts ClientFrame): subscribe, unsubscribe, send, typing, read. */
@Injectable()
export class ChatGateway implements OnModuleInit {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly chat: ChatService,
  ) {}

  onModuleInit(): void {
    this.realtime.handle('subscribe', (client, frame) => this.chat.subscribe(client, field.uuid(frame, 'conversationId'), field.int(frame, 'afterSeq', 0)));
    this.realtime.handle('unsubscribe', (client, frame) => client.leave(field.uuid(frame, 'conversationId')));
    this.realtime.handle('send', async (client, frame) => {
      const clientId = field.string(frame, 'clientId', CLIENT_ID_MAX, 1);
      const message = await this.chat.post(field.uuid(frame, 'conversationId'), client.userId, field.string(frame, 'text', Infinity), clientId, { except: client });
      client.send({ type: 'ack', clientId, message });
    });
    this.realtime.handle('typing', (client, frame) => this.chat.typing(client, field.uuid(frame, 'conversationId')));
    this.realtime.handle('read', (client, frame) => this.chat.markRead(client, field.uuid(frame, 'conversationId'), field.int(frame, 'seq', 0)));
  }
}
