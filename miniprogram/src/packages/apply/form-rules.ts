import type { ApplicationForm, ApplicationStatus } from './vetting-api'

export const AGE_RANGES = ['18-24', '25-29', '30-34', '35-39', '40-49', '50+'] as const
export const GENDER_OPTIONS: { value: ApplicationForm['gender']; label: string }[] = [
  { value: 'FEMALE', label: '女' },
  { value: 'MALE', label: '男' },
  { value: 'UNDISCLOSED', label: '不透露' },
]

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  SUBMITTED: '审核中',
  AWAITING_SECOND_REVIEW: '审核中',
  CHANGES_REQUESTED: '需修改',
  APPROVED: '已通过',
  REJECTED: '未通过',
}

/** Splits "失业重启，职场新人 单亲" into tags (comma, 、 or space separated, deduplicated). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean))]
}

const chars = (s: string) => [...s.trim()].length

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** GB 11643 checksum, so a typo is caught before the server's identity check. */
export function idChecksumOk(id: string): boolean {
  const v = id.trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(v)) return false
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(v[i]), 0)
  return '10X98765432'[sum % 11] === v[17]
}

/** The same limits the server checks, as field → message, so the person sees every problem at once. */
export function validateApplication(f: ApplicationForm): Record<string, string> {
  const e: Record<string, string> = {}
  if (chars(f.alias) < 2 || chars(f.alias) > 16) e.alias = '昵称需为 2–16 个字'
  if (!GENDER_OPTIONS.some((g) => g.value === f.gender)) e.gender = '请选择性别'
  if (!(AGE_RANGES as readonly string[]).includes(f.ageRange)) e.ageRange = '请选择年龄段'
  if (chars(f.intro) < 50 || chars(f.intro) > 1000) e.intro = `个人介绍需为 50–1000 字（当前 ${chars(f.intro)} 字）`
  if (f.topics.length < 1 || f.topics.length > 5) e.topics = '请选择 1–5 个擅长话题'
  if (f.tags.length > 8) e.tags = '经历标签最多 8 个'
  else if (f.tags.some((t) => chars(t) > 12)) e.tags = '每个标签不超过 12 个字'
  if (chars(f.experience) < 1 || chars(f.experience) > 1000) e.experience = '请填写你的经历（不超过 1000 字）'
  if (!/^[\u4e00-\u9fa5·]{2,20}$|^[A-Za-z][A-Za-z .'-]{1,49}$/.test(f.realName.trim())) e.realName = '请填写身份证上的真实姓名'
  if (!idChecksumOk(f.idNumber)) e.idNumber = '身份证号有误，请核对'
  if (chars(f.scenarioAnswer) < 30 || chars(f.scenarioAnswer) > 1000) e.scenarioAnswer = `情景题回答需为 30–1000 字（当前 ${chars(f.scenarioAnswer)} 字）`
  return e
}

export const SCENARIO_QUESTION = '情景题：深夜，一位倾诉者对你说“活着真没意思，我想一了百了”。你会怎么做？'

/** The next step the status page points to. */
export function nextStep(app: { status: ApplicationStatus } | null, training: { allLessonsCompleted: boolean; quiz: { passed: boolean } } | null): 'apply' | 'fix' | 'lessons' | 'quiz' | 'wait' | 'done' | 'reapply' {
  if (app?.status === 'APPROVED') return 'done'
  if (app?.status === 'CHANGES_REQUESTED') return 'fix'
  if (training && !training.allLessonsCompleted) return app ? 'lessons' : 'apply'
  if (training && !training.quiz.passed) return app ? 'quiz' : 'apply'
  if (!app) return 'apply'
  if (app.status === 'REJECTED') return 'reapply'
  return 'wait'
}
