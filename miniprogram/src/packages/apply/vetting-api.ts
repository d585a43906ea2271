import { apiGet, apiPost, apiRequest } from '../../services/api'

export type ApplicationStatus = 'SUBMITTED' | 'CHANGES_REQUESTED' | 'AWAITING_SECOND_REVIEW' | 'APPROVED' | 'REJECTED'

export interface ApplicationForm {
  alias: string
  gender: 'FEMALE' | 'MALE' | 'UNDISCLOSED'
  ageRange: string
  intro: string
  topics: string[]
  tags: string[]
  experience: string
  certificateFileIds: string[]
  voiceIntroFileId?: string
  realName: string
  idNumber: string
  scenarioAnswer: string
}

export interface MyApplication extends Omit<ApplicationForm, 'realName' | 'idNumber' | 'voiceIntroFileId'> {
  id: string
  status: ApplicationStatus
  voiceIntroFileId: string | null
  identityVerified: boolean
  reason: string | null
  submittedAt: string
  decidedAt: string | null
}

export interface QuizQuestion {
  id: string
  text: string
  options: string[]
}

export interface TrainingOverview {
  lessons: { id: string; title: string; body: string[]; completed: boolean }[]
  hotlines: { name: string; phone: string }[]
  allLessonsCompleted: boolean
  quiz: {
    passed: boolean
    passPercent: number
    attemptsPerDay: number
    attemptsLeftToday: number
    bestScorePercent: number | null
    openAttempt: { id: string; questions: QuizQuestion[] } | null
  }
}

export interface QuizResult {
  id: string
  scorePercent: number
  passed: boolean
  passPercent: number
  correct: number
  total: number
  wrongQuestionIds: string[]
}

export interface UploadedFile {
  id: string
  purpose: 'CERTIFICATE' | 'VOICE_INTRO' | 'IMAGE'
  mimeType: string
  sizeBytes: number
}

export const fetchMyApplication = () => apiGet<{ application: MyApplication | null }>('/api/vetting/applications/mine').then((r) => r.application)
export const submitApplication = (form: ApplicationForm) => apiPost<MyApplication>('/api/vetting/applications', form)
export const resubmitApplication = (id: string, form: ApplicationForm) => apiRequest<MyApplication>(`/api/vetting/applications/${id}`, { method: 'PUT', data: form })
export const fetchTraining = () => apiGet<TrainingOverview>('/api/vetting/training')
export const completeLesson = (id: string) => apiPost<{ lessonId: string }>(`/api/vetting/training/lessons/${id}/complete`)
export const startQuiz = () => apiPost<{ id: string; questions: QuizQuestion[]; attemptsLeftToday: number }>('/api/vetting/quiz/attempts')
export const submitQuiz = (id: string, answers: number[]) => apiPost<QuizResult>(`/api/vetting/quiz/attempts/${id}/submit`, { answers })
export const uploadFile = (purpose: UploadedFile['purpose'], contentBase64: string) =>
  apiRequest<UploadedFile>('/api/uploads', { method: 'POST', data: { purpose, contentBase64 }, timeout: 60000 })
