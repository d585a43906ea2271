import { QUIZ_POOL } from '../src/vetting/training.content';
import { LESSON_IDS } from '../src/vetting/training.content';
import type { TestApp } from './test-app';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A GB 11643-valid ID number for a birth date `YYYYMMDD` (Beijing, Dongcheng area code). */
export function idNumberFor(birth = '19900307', seq = '123'): string {
  const body = `110101${birth}${seq}`;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

/** Bytes that start like the named format (the server sniffs magic bytes only). */
export function fileBytes(kind: 'png' | 'jpeg' | 'webp' | 'mp3' | 'wav' | 'm4a' | 'text', size = 256): Buffer {
  const head: Record<typeof kind, Buffer> = {
    png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    webp: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]),
    mp3: Buffer.from('ID3\x04\x00\x00', 'latin1'),
    wav: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]),
    m4a: Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypM4A ')]),
    text: Buffer.from('hello, this is not an image'),
  };
  const h = head[kind];
  return Buffer.concat([h, Buffer.alloc(Math.max(0, size - h.length), 7)]);
}

export async function upload(t: TestApp, headers: Record<string, string>, purpose: string, bytes: Buffer) {
  return t.request('/api/uploads', { method: 'POST', headers, body: JSON.stringify({ purpose, contentBase64: bytes.toString('base64') }) });
}

/** A complete, valid application body; override fields per test. */
export function applicationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alias: '晚风小林',
    gender: 'FEMALE',
    ageRange: '30-34',
    intro: '我做了八年的人事工作，也经历过失业和重新开始。愿意耐心听你说说职场里的委屈和迷茫，陪你一起慢慢理清思路，不评判，只陪伴。',
    topics: ['CAREER', 'EMOTION'],
    tags: ['失业重启', '职场新人'],
    experience: '三十岁时被裁员，花了一年时间重新找到方向，这段经历让我更懂得低谷时的无助。',
    certificateFileIds: [],
    realName: '林晓风',
    idNumber: idNumberFor(),
    scenarioAnswer: '我会先稳定对方的情绪，认真倾听并直接询问是否有伤害自己的想法，同时按流程进行危机上报，并提供心理援助热线。',
    ...overrides,
  };
}

/** Completes every lesson through the API. */
export async function completeLessons(t: TestApp, headers: Record<string, string>): Promise<void> {
  for (const id of LESSON_IDS) {
    const res = await t.request(`/api/vetting/training/lessons/${id}/complete`, { method: 'POST', headers, body: '{}' });
    if (res.status !== 200) throw new Error(`lesson ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The answers to an attempt's questions: all right, or the first `wrong` of them wrong. */
export function answersFor(questions: { id: string; options: string[] }[], wrong = 0): number[] {
  return questions.map((q, i) => {
    const right = QUIZ_POOL.find((p) => p.id === q.id)!.answer;
    return i < wrong ? (right + 1) % q.options.length : right;
  });
}

/** Lessons + one passing quiz attempt, through the API. */
export async function passTraining(t: TestApp, headers: Record<string, string>): Promise<void> {
  await completeLessons(t, headers);
  const start = await t.request('/api/vetting/quiz/attempts', { method: 'POST', headers, body: '{}' });
  if (start.status !== 201) throw new Error(`quiz start: ${start.status} ${JSON.stringify(start.body)}`);
  const submit = await t.request(`/api/vetting/quiz/attempts/${start.body.id}/submit`, { method: 'POST', headers, body: JSON.stringify({ answers: answersFor(start.body.questions) }) });
  if (!submit.body.passed) throw new Error(`quiz not passed: ${JSON.stringify(submit.body)}`);
}
