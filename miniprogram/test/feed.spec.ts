import type { ListenerCard } from '@qingting/shared'
import { canLoadMore, cursorFor, feedReducer, initialFeed, type FeedState } from '../src/pages/index/feed'

function card(id: string): ListenerCard {
  return {
    id, alias: `倾听者${id}`, avatarUrl: 'data:,', gender: 'UNDISCLOSED', tier: 'NEW', topics: ['EMOTION'], tags: [],
    prices: { TEXT: 1000 }, online: false, certified: false, rating: null, reviewCount: 0, ordersServed: 0,
  }
}

function run(...actions: Parameters<typeof feedReducer>[1][]): FeedState {
  return actions.reduce(feedReducer, initialFeed)
}

describe('home feed state', () => {
  it('starts loading the first page with no cursor', () => {
    expect(initialFeed.status).toBe('loading')
    expect(cursorFor(initialFeed)).toBeNull()
  })

  it('shows the first page, then appends the next page using nextCursor', () => {
    let s = run({ type: 'loaded', seq: 0, page: { items: [card('1'), card('2')], nextCursor: 'c1' } })
    expect(s.status).toBe('ready')
    expect(s.items.map((l) => l.id)).toEqual(['1', '2'])
    expect(canLoadMore(s)).toBe(true)

    s = feedReducer(s, { type: 'loadMore', seq: 1 })
    expect(s.status).toBe('loadingMore')
    expect(cursorFor(s)).toBe('c1')
    expect(canLoadMore(s)).toBe(false) // no second request while one is in flight

    s = feedReducer(s, { type: 'loaded', seq: 1, page: { items: [card('2'), card('3')], nextCursor: null } })
    expect(s.items.map((l) => l.id)).toEqual(['1', '2', '3']) // duplicate across pages dropped
    expect(s.nextCursor).toBeNull()
    expect(canLoadMore(s)).toBe(false)
    expect(feedReducer(s, { type: 'loadMore', seq: 2 })).toBe(s)
  })

  it('an empty first page is ready with no items (the 暂无倾听者 state)', () => {
    const s = run({ type: 'loaded', seq: 0, page: { items: [], nextCursor: null } })
    expect(s.status).toBe('ready')
    expect(s.items).toHaveLength(0)
  })

  it('switching topic clears the list and ignores the stale response of the old topic', () => {
    let s = run({ type: 'reload', topic: 'CAREER', seq: 1 })
    expect(s).toMatchObject({ topic: 'CAREER', items: [], status: 'loading', requestSeq: 1 })
    s = feedReducer(s, { type: 'loaded', seq: 0, page: { items: [card('old')], nextCursor: 'x' } })
    expect(s.items).toHaveLength(0)
    expect(s.status).toBe('loading')
    s = feedReducer(s, { type: 'loaded', seq: 1, page: { items: [card('c')], nextCursor: null } })
    expect(s.items.map((l) => l.id)).toEqual(['c'])
  })

  it('a failed first page is the error state; retry reloads the same topic', () => {
    let s = run({ type: 'reload', topic: 'FAMILY', seq: 1 }, { type: 'failed', seq: 1, message: '网络连接失败' })
    expect(s.status).toBe('error')
    expect(s.errorMessage).toBe('网络连接失败')
    s = feedReducer(s, { type: 'reload', topic: s.topic, seq: 2 })
    expect(s).toMatchObject({ status: 'loading', topic: 'FAMILY', errorMessage: null })
  })

  it('a failed next page keeps loaded items and can be retried with the same cursor', () => {
    let s = run(
      { type: 'loaded', seq: 0, page: { items: [card('1')], nextCursor: 'c1' } },
      { type: 'loadMore', seq: 1 },
      { type: 'failed', seq: 1, message: '服务器错误（500）' },
    )
    expect(s.status).toBe('errorMore')
    expect(s.items).toHaveLength(1)
    expect(canLoadMore(s)).toBe(true)
    s = feedReducer(s, { type: 'loadMore', seq: 2 })
    expect(cursorFor(s)).toBe('c1')
  })

  it('ignores a late failure from a superseded request', () => {
    const s = run({ type: 'reload', topic: null, seq: 3 }, { type: 'failed', seq: 2, message: 'old' })
    expect(s.status).toBe('loading')
  })
})
