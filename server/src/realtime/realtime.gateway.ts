import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WS_AUTH_TIMEOUT_MS, WS_CLOSE, WS_HEARTBEAT_MS } from '@qingting/shared';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { DomainError } from '../common/errors/domain-error';
import { SessionService } from '../identity/session.service';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { errorFrame, parseFrame } from './frames';
import type { LiveClient } from './realtime-client';
import { RealtimeService } from './realtime.service';

export const WS_PATH = '/ws';
/** Frames a client may send before the answer to its `auth` (a subscribe right after auth); more is abuse. */
const MAX_EARLY_FRAMES = 20;
/** How long shutdown waits for clients to answer the close handshake before cutting them. */
const CLOSE_WAIT_MS = 1_000;
const TOKEN = /^[\w-]{20,200}$/;

/**
 * The WebSocket endpoint (`GET /ws`, upgraded on the API's own HTTP server): raw WebSocket, because
 * the mini-program's wx.connectSocket speaks nothing else. The first frame must be `auth` with a
 * session token within WS_AUTH_TIMEOUT_MS (else 4408; a bad token or another frame: 4401);
 * `ping` is answered at once with the server's clock; every other frame goes to the handler its
 * module registered with RealtimeService. On shutdown every socket is closed with 1001 before
 * Redis and the database close, so clients reconnect to another instance and resume.
 */
@Injectable()
export class RealtimeGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RealtimeGateway');
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private server?: Server;
  private heartbeat?: NodeJS.Timeout;
  private draining = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly realtime: RealtimeService,
    private readonly sessions: SessionService,
    private readonly prisma: PrismaService,
    config: AppConfig,
  ) {
    // The largest client frame is a chat message: 16 KB, or more if the configured maximum (4 UTF-8 bytes a character at worst) needs it.
    const maxPayload = Math.max(16 * 1024, config.CHAT_MESSAGE_MAX_CHARS * 4 + 1024);
    this.wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: false });
  }

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => {
      this.realtime.sweep().catch((err: Error) => this.logger.warn(`heartbeat sweep: ${err.message}`));
    }, WS_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Closes every socket with 1001 (going away), waits briefly for the handshakes, then stops the fan-out. */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    clearInterval(this.heartbeat);
    this.server?.off('upgrade', this.onUpgrade);
    const closed = [...this.sockets].map((ws) => new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1001, 'server shutting down');
    }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    for (const ws of this.sockets) ws.terminate();
    await this.realtime.stop();
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH || this.draining) {
      socket.end(`HTTP/1.1 ${this.draining ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  };

  private onConnection(ws: WebSocket): void {
    this.sockets.add(ws);
    let client: LiveClient | undefined;
    /** Frames that arrived while the `auth` frame was being checked; undefined before `auth` and after `ready`. */
    let early: [RawData, boolean][] | undefined;
    const authTimer = setTimeout(() => ws.close(WS_CLOSE.authTimeout, 'auth timeout'), WS_AUTH_TIMEOUT_MS);
    ws.on('error', (err) => this.logger.debug(`socket error: ${err.message}`));
    ws.on('pong', () => {
      if (client) client.lastSeen = Date.now();
    });
    ws.on('close', () => {
      clearTimeout(authTimer);
      this.sockets.delete(ws);
      if (client) this.realtime.disconnect(client).catch((err: Error) => this.logger.warn(`disconnect: ${err.message}`));
    });
    ws.on('message', (data, isBinary) => {
      if (client) return this.onFrame(client, data, isBinary);
      if (early) {
        if (early.length >= MAX_EARLY_FRAMES) ws.close(WS_CLOSE.unauthorized, 'auth pending');
        else early.push([data, isBinary]);
        return;
      }
      early = [];
      void this.authenticate(ws, data, isBinary).then((authed) => {
        if (!authed) return;
        clearTimeout(authTimer);
        client = authed;
        authed.send({ type: 'ready', userId: authed.userId, serverTime: Date.now() });
        for (const [d, b] of early ?? []) this.onFrame(authed, d, b);
        early = undefined;
      });
    });
  }

  /** Checks the first frame; the registered client, or undefined after closing the socket. */
  private async authenticate(ws: WebSocket, data: RawData, isBinary: boolean): Promise<LiveClient | undefined> {
    let token: unknown;
    try {
      const frame = parseFrame(data, isBinary);
      token = frame.type === 'auth' ? frame.token : undefined;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !TOKEN.test(token)) {
      ws.close(WS_CLOSE.unauthorized, 'auth required');
      return undefined;
    }
    try {
      const userId = await this.sessions.resolve(token);
      const [user] = userId ? await this.prisma.sql.query<{ id: string }>('SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL', [userId]) : [];
      if (!user) {
        ws.close(WS_CLOSE.unauthorized, 'unauthorized');
        return undefined;
      }
      if (ws.readyState !== WebSocket.OPEN) return undefined;
      const client = await this.realtime.connect(ws, user.id);
      if (ws.readyState !== WebSocket.OPEN) {
        await this.realtime.disconnect(client);
        return undefined;
      }
      return client;
    } catch (err) {
      this.logger.error({ err }, 'socket authentication failed');
      ws.close(1011, 'try again');
      return undefined;
    }
  }

  private onFrame(client: LiveClient, data: RawData, isBinary: boolean): void {
    client.lastSeen = Date.now();
    let frame;
    try {
      frame = parseFrame(data, isBinary);
    } catch (err) {
      client.send(errorFrame(null, err as DomainError));
      return;
    }
    if (frame.type === 'ping') {
      // Answered at once, ahead of queued work: clients take their clock offset from the round trip.
      client.send({ type: 'pong', t: typeof frame.t === 'number' && Number.isFinite(frame.t) ? frame.t : 0, serverTime: Date.now() });
      return;
    }
    if (frame.type === 'auth') {
      client.send(errorFrame('auth', new DomainError('ws/bad_frame', '已经登录，无需重复认证')));
      return;
    }
    this.realtime.dispatch(client, frame);
  }
}
