import { meEntries } from '../src/services/me'

describe('meEntries (我的 tab)', () => {
  it('offers 成为倾听者 to a talker, and the workbench and earnings to a listener', () => {
    expect(meEntries({ roles: ['TALKER'], listener: null }).map((e) => e.key)).toEqual(['apply'])
    expect(meEntries({ roles: ['TALKER', 'LISTENER'], listener: { tier: 'NEW', status: 'ACTIVE' } }).map((e) => e.key)).toEqual(['workbench', 'earnings'])
  })

  it('adds the ops console for any operator role, and only then', () => {
    expect(meEntries({ roles: ['TALKER', 'REVIEWER'], listener: null }).map((e) => e.key)).toEqual(['apply', 'ops'])
    expect(meEntries({ roles: ['TALKER', 'FINANCE'], listener: null }).map((e) => e.url)).toContain('/packages/ops/index')
  })
})
