import { idChecksumOk, nextStep, parseTags, validateApplication } from '../src/packages/apply/form-rules'
import type { ApplicationForm } from '../src/packages/apply/vetting-api'

const valid: ApplicationForm = {
  alias: '晚风小林',
  gender: 'FEMALE',
  ageRange: '30-34',
  intro: '我做了八年的人事工作，也经历过失业和重新开始。愿意耐心听你说说职场里的委屈和迷茫，陪你一起慢慢理清思路，不评判。',
  topics: ['CAREER'],
  tags: ['失业重启'],
  experience: '三十岁时被裁员，花了一年重新找到方向。',
  certificateFileIds: [],
  realName: '林晓风',
  idNumber: '11010519491231002X',
  scenarioAnswer: '我会先稳定对方的情绪，认真倾听并直接询问是否有伤害自己的想法，同时危机上报。',
}

describe('application form rules (same limits as the server)', () => {
  it('accepts a complete form', () => {
    expect(validateApplication(valid)).toEqual({})
  })

  it('names every problem at once', () => {
    const errors = validateApplication({ ...valid, intro: '太短', topics: [], tags: ['这是一个超过十二个字的经历标签哦'], idNumber: '110105194912310021', scenarioAnswer: '好' })
    expect(Object.keys(errors).sort()).toEqual(['idNumber', 'intro', 'scenarioAnswer', 'tags', 'topics'])
  })

  it('checks the ID checksum and splits tags', () => {
    expect(idChecksumOk('11010519491231002x')).toBe(true)
    expect(idChecksumOk('12345')).toBe(false)
    expect(parseTags('失业重启，异地恋、 单亲  失业重启')).toEqual(['失业重启', '异地恋', '单亲'])
  })

  it('points to the next step', () => {
    const trained = { allLessonsCompleted: true, quiz: { passed: true } }
    expect(nextStep(null, trained)).toBe('apply')
    expect(nextStep({ status: 'SUBMITTED' }, { allLessonsCompleted: false, quiz: { passed: false } })).toBe('lessons')
    expect(nextStep({ status: 'SUBMITTED' }, { allLessonsCompleted: true, quiz: { passed: false } })).toBe('quiz')
    expect(nextStep({ status: 'CHANGES_REQUESTED' }, trained)).toBe('fix')
    expect(nextStep({ status: 'REJECTED' }, trained)).toBe('reapply')
    expect(nextStep({ status: 'APPROVED' }, trained)).toBe('done')
    expect(nextStep({ status: 'AWAITING_SECOND_REVIEW' }, trained)).toBe('wait')
  })
})
