import path from 'node:path';
import type { Page } from 'playwright-core';
import { QUIZ_POOL } from '../../server/src/vetting/training.content';
import { idNumberFor } from '../../server/test/vetting';
import { ARTIFACTS, useSystemAndBrowser } from './system';

/**
 * A new person applies to become a listener in the H5 build (training, quiz, application), an
 * operator approves them in the ops console (`/ops`) in another browser context, and the new
 * listener can then be found in discovery.
 */
describe('becoming a listener, end to end (two browser contexts)', () => {
  const suite = useSystemAndBrowser();
  const alias = `晨光倾听者${String(Date.now()).slice(-4)}`;


  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

  async function fill(page: Page, selector: string, value: string) {
    // Taro renders <Input>/<Textarea> as a host element around the native control.
    const control = page.locator(`${selector} input, ${selector} textarea, input${selector}, textarea${selector}`).first();
    await control.fill(value);
  }

  it('walks a new user through training, the quiz and the application; an operator approves; the listener appears', async () => {
    const applicant = await (await suite.browser.newContext({ viewport: { width: 414, height: 896 } })).newPage();

    // Training: every lesson, then the quiz, answered from the question texts.
    await applicant.goto(`${suite.system.url}/#/packages/apply/training/index`);
    const lessons = applicant.locator('.apply-lesson');
    await lessons.first().waitFor({ timeout: 30000 });
    for (let i = 0; i < (await lessons.count()); i++) {
      await lessons.nth(i).locator('.apply__title').click();
      await lessons.nth(i).locator('.apply-lesson-complete').click();
      await lessons.nth(i).locator('.apply__title', { hasText: '✓' }).waitFor();
    }
    await applicant.locator('.apply-go-quiz').click();
    await applicant.locator('.apply-quiz-start').click();
    const questions = applicant.locator('.apply-quiz-question');
    await questions.first().waitFor();
    for (let i = 0; i < (await questions.count()); i++) {
      const text = (await questions.nth(i).locator('.apply__text').first().innerText()).replace(/^\d+\.\s*/, '');
      const question = QUIZ_POOL.find((q) => q.text === text.trim());
      expect(question).toBeDefined();
      await questions.nth(i).locator('.apply-quiz-option').nth(question!.answer).click();
    }
    await applicant.locator('.apply-quiz-submit').click();
    await applicant.locator('.apply-quiz-result').waitFor();
    expect(await applicant.locator('.apply-quiz-result').innerText()).toContain('通过');

    // The application.
    await applicant.goto(`${suite.system.url}/#/packages/apply/form/index`);
    await applicant.locator('.apply-submit').waitFor();
    await fill(applicant, '.apply-alias', alias);
    await applicant.locator('.apply-gender[data-value="FEMALE"]').click();
    await applicant.locator('.apply-age[data-value="30-34"]').click();
    await applicant.locator('.apply-topic[data-topic="MARRIAGE"]').click();
    await applicant.locator('.apply-topic[data-topic="EMOTION"]').click();
    await fill(applicant, '.apply-intro', '我经历过一段漫长的婚姻低谷，也走出了离婚后的迷茫。愿意用耐心和真诚陪你聊聊婚姻和情绪里的难处，不评判，只倾听，陪你慢慢找到方向。');
    await fill(applicant, '.apply-tags', '离异走出，婚姻修复');
    await fill(applicant, '.apply-experience', '离婚后独自带孩子三年，重新找到工作和生活的节奏。');
    await fill(applicant, '.apply-real-name', '林晓晨');
    await fill(applicant, '.apply-id-number', idNumberFor('19900307', '462'));
    await fill(applicant, '.apply-scenario', '我会先稳定对方情绪，认真倾听，确认对方是否安全，必要时提供心理援助热线并建议寻求专业帮助。');
    await shot(applicant, 'apply-form');
    await applicant.locator('.apply-submit').click();
    await applicant.locator('.apply-status__badge[data-status="SUBMITTED"]').waitFor({ timeout: 15000 });

    // The operator, in a separate context (its own login), approves in /ops.
    const operator = await (await suite.browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await operator.goto(`${suite.system.url}/ops`);
    await operator.locator('.ops-login').click();
    const item = operator.locator('.ops-queue-item', { hasText: alias });
    await item.waitFor({ timeout: 15000 });
    await item.click();
    await operator.locator('.ops-approve').click();
    await operator.locator('.ops-detail-status', { hasText: /通过|APPROVED/ }).waitFor({ timeout: 15000 });
    await shot(operator, 'ops-approved');

    // The applicant sees the decision, and the new listener is in discovery.
    await applicant.goto(`${suite.system.url}/#/packages/apply/index`);
    await applicant.locator('.apply-status__badge[data-status="APPROVED"]').waitFor({ timeout: 15000 });
    await applicant.goto(`${suite.system.url}/#/pages/index/index`);
    await fill(applicant, '.search-input', '离异');
    await applicant.keyboard.press('Enter');
    const card = applicant.locator('.listener-card', { has: applicant.locator('.listener-alias', { hasText: alias }) });
    await card.waitFor({ timeout: 15000 });
    await card.scrollIntoViewIfNeeded();
    await shot(applicant, 'discovery-new-listener');
  });
});
