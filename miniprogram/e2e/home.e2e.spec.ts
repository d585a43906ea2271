import path from 'node:path';
import { ARTIFACTS, useSystemAndBrowser } from './system';

describe('home tab in the H5 build (Chromium)', () => {
  const suite = useSystemAndBrowser();


  it('shows the seeded listeners from the API, and filters by topic', async () => {
    const api = await (await fetch(`${suite.system.url}/api/listeners?limit=20`)).json();
    expect(api.items.length).toBe(20);

    const page = await suite.browser.newPage({ viewport: { width: 414, height: 896 } });
    await page.goto(suite.system.url + '/');
    const cards = page.locator('.listener-card');
    await cards.first().waitFor({ timeout: 30000 });
    await page.waitForFunction(() => document.querySelectorAll('.listener-card').length >= 20);

    const aliases = await page.locator('.listener-card .listener-alias').allTextContents();
    expect(aliases.slice(0, 20)).toEqual(api.items.map((c: { alias: string }) => c.alias));
    const firstCard = await cards.first().innerText();
    expect(firstCard).toContain('/15分钟');
    expect(firstCard).toContain(`¥${Math.floor(api.items[0].prices.TEXT / 100)}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'home.png'), fullPage: false });

    const career = await (await fetch(`${suite.system.url}/api/listeners?limit=20&topic=CAREER`)).json();
    await page.getByText('职场', { exact: true }).first().click();
    await page.waitForFunction(
      (expected) => {
        const shown = [...document.querySelectorAll('.listener-card .listener-alias')].map((e) => e.textContent);
        return shown.length === expected.length && shown.every((a, i) => a === expected[i]);
      },
      career.items.map((c: { alias: string }) => c.alias),
      { timeout: 15000 },
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'home-career.png') });
  });
});
