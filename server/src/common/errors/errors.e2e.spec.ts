import { createUser } from '../../../test/factories';
import { startTestApp, TestApp } from '../../../test/test-app';
import { AllExceptionsFilter } from './all-exceptions.filter';

describe('error format (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers an unknown route with 404 route/not_found in the common format, with the request id', async () => {
    const res = await t.request('/api/nothing-here', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'route/not_found', message: '请求的接口不存在', requestId: 'trace-abc-123' });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  it('makes a request id when the caller sends none or a malformed one', async () => {
    const res = await t.request('/api/nothing-here', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
  });

  it('answers a malformed JSON body with 400 request/malformed, not 500', async () => {
    const res = await t.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request/malformed');
  });

  it('maps a real unique-constraint violation from PostgreSQL to 409 db/conflict', async () => {
    const user = await createUser(t.prisma);
    const violation = await createUser(t.prisma, { openid: user.openid }).catch((e: unknown) => e);
    const replies: { body: unknown; status: number }[] = [];
    const filter = new AllExceptionsFilter({ httpAdapter: { setHeader: () => undefined, reply: (_res: unknown, body: unknown, status: number) => replies.push({ body, status }) } } as never);
    filter.catch(violation, { switchToHttp: () => ({ getRequest: () => ({ id: 'r1' }), getResponse: () => ({}) }) } as never);
    expect(replies).toEqual([{ status: 409, body: { code: 'db/conflict', message: expect.any(String), requestId: 'r1' } }]);
  });

  it('turns an unexpected error into 500 internal/error without leaking its message', () => {
    const replies: { body: { code: string; message: string }; status: number }[] = [];
    const filter = new AllExceptionsFilter({ httpAdapter: { setHeader: () => undefined, reply: (_res: unknown, body: never, status: number) => replies.push({ body, status }) } } as never);
    filter.catch(new Error('secret connection string'), { switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => ({}) }) } as never);
    expect(replies[0].status).toBe(500);
    expect(replies[0].body.code).toBe('internal/error');
    expect(replies[0].body.message).not.toContain('secret');
  });
});
