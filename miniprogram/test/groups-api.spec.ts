import fakeTaro, { fakeStorage } from './fakes/taro'
import { fetchGroups, joinGroup, leaveGroup, muteMember, renewGroup, reviewGroup, setAnnouncement } from '../src/services/groups'
import { settlePayReturn } from '../src/packages/groups/checkout'

/** The groups client sends exactly what the server's DTOs accept: terms and choices, never a price. */
describe('groups API client', () => {
  beforeEach(() => {
    fakeStorage.clear()
    fakeStorage.set('qingting.sessionToken', 'tok')
    fakeTaro.request.mockResolvedValue({ statusCode: 200, data: {} })
  })
  const call = (i: number) => {
    const c = fakeTaro.request.mock.calls[i][0]
    const url = new URL(c.url)
    return { method: c.method, path: url.pathname, query: Object.fromEntries(url.searchParams), data: c.data }
  }

  it('joins and renews with the term only; leaves saying whether a refund was promised', async () => {
    await joinGroup('g1', 90)
    await renewGroup('g1', 365)
    await leaveGroup('g1', true)
    await leaveGroup('g1', false)
    expect([0, 1, 2, 3].map(call)).toEqual([
      { method: 'POST', path: '/api/groups/g1/join', query: {}, data: { termDays: 90 } },
      { method: 'POST', path: '/api/groups/g1/renew', query: {}, data: { termDays: 365 } },
      { method: 'POST', path: '/api/groups/g1/leave', query: {}, data: { expectRefund: true } },
      { method: 'POST', path: '/api/groups/g1/leave', query: {}, data: { expectRefund: false } },
    ])
  })

  it('lists by topic and cursor; owner and ops actions go to their routes', async () => {
    await fetchGroups({ topic: 'CAREER', cursor: 'abc' })
    await muteMember('g1', 'u2', 60)
    await setAnnouncement('g1', '群规')
    await reviewGroup('g1', 'APPROVE')
    await reviewGroup('g1', 'REJECT', '介绍含联系方式')
    expect(call(0)).toMatchObject({ method: 'GET', path: '/api/groups', query: { topic: 'CAREER', cursor: 'abc', limit: '20' } })
    expect(call(1)).toMatchObject({ method: 'POST', path: '/api/groups/g1/members/u2/mute', data: { minutes: 60 } })
    expect(call(2)).toMatchObject({ method: 'PUT', path: '/api/groups/g1/announcement', data: { text: '群规' } })
    expect(call(3)).toMatchObject({ method: 'POST', path: '/api/ops/groups/g1/review', data: { decision: 'APPROVE' } })
    expect(call(4)).toMatchObject({ data: { decision: 'REJECT', note: '介绍含联系方式' } })
  })

  it('back from the cashier: confirms a paid order with the server, reports a cancel without asking it', async () => {
    expect(await settlePayReturn({ id: 'g1', orderId: 'o1', result: 'success' })).toBe('支付成功')
    expect(call(0)).toMatchObject({ method: 'POST', path: '/api/orders/o1/sync' })
    expect(await settlePayReturn({ id: 'g1', orderId: 'o1', result: 'cancel' })).toBe('已取消支付，名额将在支付期限后释放')
    expect(await settlePayReturn({ id: 'g1', result: 'success' })).toBeNull()
    expect(await settlePayReturn({ id: 'g1' })).toBeNull()
    expect(fakeTaro.request).toHaveBeenCalledTimes(1)
  })
})
