import { LISTENER_PAGE_SIZE, listenerQueryString } from '../src/services/listeners'
import { joinUrl, toQueryString } from '../src/services/url'

describe('listenerQueryString', () => {
  it('asks for a page of 20 and no topic for 全部', () => {
    expect(LISTENER_PAGE_SIZE).toBe(20)
    expect(listenerQueryString({ topic: null })).toBe('limit=20')
  })

  it('adds the topic code when a chip is selected', () => {
    expect(listenerQueryString({ topic: 'CAREER' })).toBe('limit=20&topic=CAREER')
  })

  it('adds the cursor for next pages, URL-encoded', () => {
    expect(listenerQueryString({ topic: 'EMOTION' }, 'eyJpZCI6MX0=/+')).toBe('limit=20&topic=EMOTION&cursor=eyJpZCI6MX0%3D%2F%2B')
    expect(listenerQueryString({ topic: null }, 'abc', 5)).toBe('limit=5&cursor=abc')
  })
})

describe('toQueryString / joinUrl', () => {
  it('skips null, undefined and empty values', () => {
    expect(toQueryString({ a: 1, b: null, c: undefined, d: '', e: false })).toBe('a=1&e=false')
  })

  it('joins base and path with exactly one slash', () => {
    expect(joinUrl('http://127.0.0.1:4000/', '/api/listeners')).toBe('http://127.0.0.1:4000/api/listeners')
    expect(joinUrl('http://h', 'api/x', { q: '中文' })).toBe('http://h/api/x?q=%E4%B8%AD%E6%96%87')
    expect(joinUrl('http://h', '/api/x?a=1', { b: 2 })).toBe('http://h/api/x?a=1&b=2')
  })
})
