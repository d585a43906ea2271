import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Prisma } from '@qingting/prisma';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { PrismaService } from '../infra/database/prisma.service';
import {
  CRISIS_HOTLINES, LESSON_IDS, LESSONS, QUIZ_ATTEMPTS_PER_DAY, QUIZ_PASS_PERCENT, QUIZ_POOL, QUIZ_QUESTIONS_PER_ATTEMPT, QuizQuestion,
} from './training.content';

const QUESTION_BY_ID = new Map(QUIZ_POOL.map((q) => [q.id, q]));

/** A question as the applicant sees it: no answer. */
export interface QuizQuestionView {
  id: string;
  text: string;
  options: string[];
}

export interface TrainingOverview {
  lessons: { id: string; title: string; body: string[]; completed: boolean }[];
  hotlines: typeof CRISIS_HOTLINES;
  allLessonsCompleted: boolean;
  quiz: {
    passed: boolean;
    passPercent: number;
    attemptsPerDay: number;
    attemptsLeftToday: number;
    bestScorePercent: number | null;
    /** An attempt started and not yet submitted (so a reload can continue it). */
    openAttempt: { id: string; questions: QuizQuestionView[] } | null;
  };
}

/** Start of the current day in Beijing (UTC+8, no DST) as an instant. */
export function beijingDayStart(now: Date): Date {
  const offset = 8 * 3600_000;
  const bj = new Date(now.getTime() + offset);
  return new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate()) - offset);
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const view = (q: QuizQuestion): QuizQuestionView => ({ id: q.id, text: q.text, options: q.options });

/** Required lessons, then the quiz: graded on the server, 3 attempts per Beijing day, submitted exactly once. */
@Injectable()
export class TrainingService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async overview(actor: AuthUser, now = new Date()): Promise<TrainingOverview> {
    const [progress, attempts] = await Promise.all([
      this.prisma.client.trainingProgress.findMany({ where: { userId: actor.id } }),
      this.prisma.client.quizAttempt.findMany({ where: { userId: actor.id }, orderBy: { startedAt: 'desc' } }),
    ]);
    const done = new Set(progress.map((p) => p.lessonId));
    const today = attempts.filter((a) => a.startedAt >= beijingDayStart(now)).length;
    const open = attempts.find((a) => a.status === 'STARTED');
    const scores = attempts.map((a) => a.scorePercent).filter((s): s is number => s !== null);
    return {
      lessons: LESSONS.map((l) => ({ ...l, completed: done.has(l.id) })),
      hotlines: CRISIS_HOTLINES,
      allLessonsCompleted: LESSON_IDS.every((id) => done.has(id)),
      quiz: {
        passed: attempts.some((a) => a.passed === true),
        passPercent: QUIZ_PASS_PERCENT,
        attemptsPerDay: QUIZ_ATTEMPTS_PER_DAY,
        attemptsLeftToday: Math.max(0, QUIZ_ATTEMPTS_PER_DAY - today),
        bestScorePercent: scores.length ? Math.max(...scores) : null,
        openAttempt: open ? { id: open.id, questions: open.questionIds.map((id) => view(QUESTION_BY_ID.get(id)!)) } : null,
      },
    };
  }

  async completeLesson(actor: AuthUser, lessonId: string): Promise<{ lessonId: string; completed: true }> {
    if (!LESSON_IDS.includes(lessonId)) throw new DomainError('vetting/lesson_not_found');
    await this.prisma.client.trainingProgress.upsert({
      where: { userId_lessonId: { userId: actor.id, lessonId } },
      create: { userId: actor.id, lessonId },
      update: {},
    });
    return { lessonId, completed: true };
  }

  /** A new attempt with questions drawn and shuffled on the server; the order is kept with the attempt. */
  async startAttempt(actor: AuthUser, now = new Date()): Promise<{ id: string; questions: QuizQuestionView[]; attemptsLeftToday: number }> {
    const completed = await this.prisma.client.trainingProgress.count({ where: { userId: actor.id, lessonId: { in: [...LESSON_IDS] } } });
    if (completed < LESSON_IDS.length) throw new DomainError('vetting/lessons_incomplete');
    const questionIds = shuffled(QUIZ_POOL).slice(0, QUIZ_QUESTIONS_PER_ATTEMPT).map((q) => q.id);
    const { attempt, today } = await this.prisma.client.$transaction(async (tx) => {
      // One person's starts are serialised, so parallel starts cannot exceed the daily limit.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`vetting:quiz:${actor.id}`}))`;
      const today = await tx.quizAttempt.count({ where: { userId: actor.id, startedAt: { gte: beijingDayStart(now) } } });
      if (today >= QUIZ_ATTEMPTS_PER_DAY) throw new DomainError('vetting/quiz_attempts_exhausted');
      // A new attempt replaces an unfinished one: the old one can no longer be submitted (it still counts).
      await tx.quizAttempt.updateMany({ where: { userId: actor.id, status: 'STARTED' }, data: { status: 'SUBMITTED', submittedAt: now, scorePercent: 0, passed: false, answers: { abandoned: true } } });
      const attempt = await tx.quizAttempt.create({ data: { userId: actor.id, questionIds, startedAt: now } });
      return { attempt, today: today + 1 };
    });
    return { id: attempt.id, questions: questionIds.map((id) => view(QUESTION_BY_ID.get(id)!)), attemptsLeftToday: QUIZ_ATTEMPTS_PER_DAY - today };
  }

  /**
   * Grades on the server and records it with a conditional update STARTED → SUBMITTED: of two
   * parallel submits exactly one is graded, the other gets 409 `vetting/quiz_already_submitted`.
   * The result names which answers were wrong, never the right ones.
   */
  async submitAttempt(actor: AuthUser, attemptId: string, answers: number[]): Promise<{ id: string; scorePercent: number; passed: boolean; passPercent: number; correct: number; total: number; wrongQuestionIds: string[] }> {
    const attempt = await this.prisma.client.quizAttempt.findUnique({ where: { id: attemptId } });
    if (!attempt || attempt.userId !== actor.id) throw new DomainError('vetting/quiz_attempt_not_found');
    if (attempt.status !== 'STARTED') throw new DomainError('vetting/quiz_already_submitted');
    const questions = attempt.questionIds.map((id) => QUESTION_BY_ID.get(id)!);
    if (answers.length !== questions.length || answers.some((a, i) => a >= questions[i].options.length)) throw new DomainError('vetting/quiz_answers_invalid');
    const wrong = questions.filter((q, i) => answers[i] !== q.answer).map((q) => q.id);
    const correct = questions.length - wrong.length;
    const scorePercent = Math.floor((correct * 100) / questions.length);
    const passed = scorePercent >= QUIZ_PASS_PERCENT;
    await this.prisma.client.$transaction(async (tx: Prisma.TransactionClient) => {
      const { count } = await tx.quizAttempt.updateMany({
        where: { id: attemptId, userId: actor.id, status: 'STARTED' },
        data: { status: 'SUBMITTED', answers, scorePercent, passed, submittedAt: new Date() },
      });
      if (count === 0) throw new DomainError('vetting/quiz_already_submitted');
      await this.audit.record({ actorId: actor.id, action: 'vetting.quiz_submit', subjectType: 'quiz_attempt', subjectId: attemptId, detail: { scorePercent, passed } }, tx);
    });
    return { id: attemptId, scorePercent, passed, passPercent: QUIZ_PASS_PERCENT, correct, total: questions.length, wrongQuestionIds: wrong };
  }

  /** Whether the user has passed the quiz (approval requires it). */
  async hasPassed(userId: string, tx?: Prisma.TransactionClient): Promise<boolean> {
    return (await (tx ?? this.prisma.client).quizAttempt.count({ where: { userId, passed: true } })) > 0;
  }
}
