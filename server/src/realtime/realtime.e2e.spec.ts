import { randomUUID } from 'node:crypto';
import { WS_AUTH_TIMEOUT_MS, WS_HEARTBEAT_MS } from '@qingting/shared';
import type Redis from 'ioredis';
import { WebSocket } from 'ws';
import { loginAs } from '../../test/auth';
import { createUser } from '../../test/factories';
import { waitFor } from '../../test/orders';
import { connectSocket, openSocket, wsUrlOf } from '../../test/realtime';
import { startTestApp, TestApp } from '../../test/test-app';
import { SessionService } from '../identity/session.service';
import { REDIS } from '../infra/redis/redis.module';
import { RealtimeService } from './realtime.service';

describe('real-time connection (e2e: WebSocket on the app, real Redis)', () => {
  let t: TestApp;
  let realtime: RealtimeService;
  const memberOf = async (userId: string) => (await t.app.get<Redis>(REDIS).zrange(`rt:presence:${userId}`, 0, 0))[0];

  beforeAll(async () => {
    t = await startTestApp();
    realtime = t.app.get(RealtimeService);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('authentication', () => {
    it('answers a valid auth frame with ready (userId, server time)', async () => {
      const { user, token } = await loginAs(t);
      const socket = await openSocket(t);
      const before = Date.now();
      socket.send({ type: 'auth', token });
      const ready = await socket.next('ready');
      expect(ready.userId).toBe(user.id);
      expect(ready.serverTime).toBeGreaterThanOrEqual(before);
      expect(ready.serverTime).toBeLessThanOrEqual(Date.now());
      await socket.close();
    });

    it('closes with 4401 on an unknown token, a malformed one, or a first frame that is not auth', async () => {
      for (const first of [{ type: 'auth', token: 'x'.repeat(43) }, { type: 'auth', token: 'bad token!' }, { type: 'auth' }, { type: 'ping', t: 1 }, 'not json']) {
        const socket = await openSocket(t);
        socket.send(first);
        expect((await socket.closed).code).toBe(4401);
        expect(socket.frames).toEqual([]);
      }
    });

    it('closes with 4401 for a deleted account, even with a token that still resolves', async () => {
      const user = await createUser(t.prisma, { deletedAt: new Date() });
      const { token } = await t.app.get(SessionService).issue(user.id);
      const socket = await openSocket(t);
      socket.send({ type: 'auth', token });
      expect((await socket.closed).code).toBe(4401);
    });

    it(`closes with 4408 when no auth frame comes within ${WS_AUTH_TIMEOUT_MS} ms`, async () => {
      const socket = await openSocket(t);
      const opened = Date.now();
      const { code } = await socket.closed;
      expect(code).toBe(4408);
      expect(Date.now() - opened).toBeGreaterThanOrEqual(WS_AUTH_TIMEOUT_MS - 100);
    }, 15_000);

    it('refuses upgrades on any other path (404)', async () => {
      const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/other`);
      ws.on('error', () => undefined);
      const status = await new Promise((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode)));
      expect(status).toBe(404);
    });

    it('keeps frames sent right after auth, before ready, and handles them after it', async () => {
      const { token } = await loginAs(t);
      const socket = await openSocket(t);
      socket.send({ type: 'auth', token });
      socket.send({ type: 'ping', t: 42 });
      await socket.next('ready');
      expect((await socket.next('pong')).t).toBe(42);
      expect(socket.frames.map((f) => f.type)).toEqual(['ready', 'pong']);
      await socket.close();
    });
  });

  describe('frames', () => {
    it('answers ping with pong echoing t and the server time (clock sync)', async () => {
      const { token } = await loginAs(t);
      const socket = await connectSocket(t, token);
      const sent = Date.now();
      socket.send({ type: 'ping', t: sent });
      const pong = await socket.next('pong');
      expect(pong.t).toBe(sent);
      expect(pong.serverTime).toBeGreaterThanOrEqual(sent - 5);
      expect(pong.serverTime).toBeLessThanOrEqual(Date.now() + 5);
      await socket.close();
    });

    it('answers malformed JSON, a non-object, an unknown type and a repeated auth with ws/bad_frame, and stays open', async () => {
      const { token } = await loginAs(t);
      const socket = await connectSocket(t, token);
      socket.send('{not json');
      expect(await socket.next('error')).toMatchObject({ ref: null, code: 'ws/bad_frame', message: expect.stringContaining('JSON') });
      socket.send('[1,2]');
      expect(await socket.next('error')).toMatchObject({ ref: null, code: 'ws/bad_frame' });
      socket.send({ type: 'dance' });
      expect(await socket.next('error')).toMatchObject({ ref: 'dance', code: 'ws/bad_frame' });
      socket.send({ type: 'auth', token });
      expect(await socket.next('error')).toMatchObject({ ref: 'auth', code: 'ws/bad_frame' });
      socket.send({ type: 'subscribe', conversationId: 'nope', afterSeq: 0 });
      expect(await socket.next('error')).toMatchObject({ ref: 'subscribe', code: 'ws/bad_frame', message: expect.stringContaining('conversationId') });
      socket.send({ type: 'ping', t: 1 });
      await socket.next('pong');
      await socket.close();
    });

    it('cuts a socket that sends a frame over the size limit (1009)', async () => {
      const { token } = await loginAs(t);
      const socket = await connectSocket(t, token);
      socket.send({ type: 'send', conversationId: randomUUID(), clientId: 'big', text: 'x'.repeat(100_000) });
      expect((await socket.closed).code).toBe(1009);
    });
  });

  describe('delivery and presence', () => {
    it('delivers toUser to every socket of that user and no one else', async () => {
      const a = await loginAs(t);
      const b = await loginAs(t);
      const [a1, a2, b1] = await Promise.all([connectSocket(t, a.token), connectSocket(t, a.token), connectSocket(t, b.token)]);
      await realtime.toUser(a.user.id, { type: 'order', orderId: randomUUID(), event: 'paid' });
      await a1.next('order');
      await a2.next('order');
      await b1.none('order');
      await Promise.all([a1.close(), a2.close(), b1.close()]);
    });

    it('reports a user online while a socket is open, offline once closed, and not for an entry a crashed instance left behind', async () => {
      const { user, token } = await loginAs(t);
      expect(await realtime.isOnline(user.id)).toBe(false);
      const socket = await connectSocket(t, token);
      expect(await realtime.isOnline(user.id)).toBe(true);
      await socket.close();
      await waitFor(() => realtime.isOnline(user.id), (online) => !online, 5_000, 'offline after close');

      // An instance that died keeps no socket refreshing its entries: they count until their expiry only.
      const redis = t.app.get<Redis>(REDIS);
      const other = await createUser(t.prisma);
      await redis.zadd(`rt:presence:${other.id}`, Date.now() - 1, 'dead-instance:1');
      expect(await realtime.isOnline(other.id)).toBe(false);
      await redis.zadd(`rt:presence:${other.id}`, Date.now() + 60_000, 'live-instance:1');
      expect(await realtime.isOnline(other.id)).toBe(true);
    });

    it('heartbeat: pings a socket silent for one heartbeat and refreshes its presence, cuts one silent for two', async () => {
      const { user, token } = await loginAs(t);
      const socket = await connectSocket(t, token);
      let pinged = 0;
      socket.ws.on('ping', () => (pinged += 1));
      const later = Date.now() + WS_HEARTBEAT_MS + 1_000;
      await realtime.sweep(later);
      await waitFor(async () => pinged, (n) => n > 0, 5_000, 'protocol ping');
      const score = Number(await t.app.get<Redis>(REDIS).zscore(`rt:presence:${user.id}`, await memberOf(user.id)));
      expect(score).toBeGreaterThanOrEqual(later + 2 * WS_HEARTBEAT_MS);
      // The ws client answered the ping with a pong: a sign of life, so the next sweep keeps it.
      await new Promise((r) => setTimeout(r, 200));
      await realtime.sweep(Date.now() + WS_HEARTBEAT_MS + 1_000);
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);

      // Silent for more than two heartbeats (a phone that lost its network without closing): cut.
      await realtime.sweep(Date.now() + 2 * WS_HEARTBEAT_MS + 1_000);
      expect((await socket.closed).code).toBe(1006);
      await waitFor(() => realtime.isOnline(user.id), (online) => !online, 5_000, 'offline after the cut');
    });

    it('closes every socket of a user on disconnectUser (4401: log in again)', async () => {
      const { user, token } = await loginAs(t);
      const [s1, s2] = await Promise.all([connectSocket(t, token), connectSocket(t, token)]);
      await realtime.disconnectUser(user.id);
      expect((await s1.closed).code).toBe(4401);
      expect((await s2.closed).code).toBe(4401);
    });
  });

  describe('across instances (same Redis, same key prefix)', () => {
    it('delivers toUser and reports presence from the other instance; a differently prefixed app hears nothing', async () => {
      const prefix = `test:${randomUUID()}:`;
      const env = { REDIS_KEY_PREFIX: prefix };
      const a = await startTestApp(env);
      const b = await startTestApp(env);
      const stranger = await startTestApp();
      try {
        const { user, token } = await loginAs(a);
        const onA = await connectSocket(a, token);
        const onB = await connectSocket(b, token);
        const { token: strangerToken } = await stranger.app.get(SessionService).issue(user.id);
        const onStranger = await connectSocket(stranger, strangerToken);
        expect(await b.app.get(RealtimeService).isOnline(user.id)).toBe(true);
        await b.app.get(RealtimeService).toUser(user.id, { type: 'order', orderId: randomUUID(), event: 'paid' });
        await onA.next('order');
        await onB.next('order');
        await onStranger.none('order');
        await Promise.all([onA.close(), onB.close(), onStranger.close()]);
      } finally {
        await Promise.all([a.close(), b.close(), stranger.close()]);
      }
    });
  });

  it('closes sockets with 1001 when the app shuts down, and refuses new ones', async () => {
    const app = await startTestApp();
    const { token } = await loginAs(app);
    const socket = await connectSocket(app, token);
    const closing = app.close();
    expect((await socket.closed).code).toBe(1001);
    await closing;
    await expect(openSocket(wsUrlOf(app))).rejects.toThrow();
  });
});
