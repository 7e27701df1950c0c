// `npm run test:ui`: renders each dialect's Swagger UI in headless Chromium, takes a screenshot and checks that the
// page lists the dialect's endpoints. Needs Chromium (Debian's `chromium` package; CHROMIUM_PATH overrides).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const { createApp } = require('../dist/bootstrap.js');
const { loadConfig } = require('../dist/config/app-config.js');
const { startEmbeddedPostgres } = require('../dist/database/embedded-postgres.launcher.js');
const { DIALECT_DOCUMENTS, DIALECT_MODULES } = require('../dist/dialects.js');

const EXPECTED = {
  foreman: ['/api/users/{user_id}/ssh_keys', '/api/users/{user_id}/ssh_keys/{id}', '/api/users'],
  northflank: ['/v1/integrations/ssh-identities', '/v1/teams/{teamId}/integrations/ssh-identities/{identityId}', '/v1/login'],
  nexterm: ['/api/identities/list', '/api/identities/{identityId}/move', '/api/auth/login', '/api/organizations', '/api/accounts/api-keys'],
  sshid: ['/api/sshid/v1/tokens', '/api/sshid/v1/identities/match'],
};

const dataDir = mkdtempSync(join(tmpdir(), 'sshid-ui-'));
const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
const app = await createApp(loadConfig({ SSHID_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), postgres.url, { dialects: DIALECT_MODULES, docs: { ui: true, documents: DIALECT_DOCUMENTS } });
await app.listen({ port: 0, host: '127.0.0.1' });
const baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
mkdirSync('.tmp', { recursive: true });
let passed = 0;
let failed = 0;
try {
  for (const [dialect, paths] of Object.entries(EXPECTED)) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    // The security headers must not break the page: any refused script, style or fetch fails the check.
    const blocked = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) blocked.push(message.text());
    });
    const answer = await page.goto(`${baseUrl}/docs/${dialect}`);
    const csp = answer?.headers()['content-security-policy'] ?? '';
    await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
    const shown = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((n) => n.getAttribute('data-path') ?? n.textContent?.trim()));
    const screenshot = join('.tmp', `swagger-${dialect}.png`);
    await page.screenshot({ path: screenshot, fullPage: false });
    const missing = paths.filter((path) => !shown.includes(path));
    if (!csp.includes("frame-ancestors 'none'")) missing.push('(Content-Security-Policy header)');
    if (blocked.length > 0) missing.push(`(blocked by CSP: ${blocked.join(' | ')})`);
    if (missing.length === 0) {
      passed += 1;
      console.log(`ok ${dialect}: ${shown.length} operations listed, screenshot ${screenshot}`);
    } else {
      failed += 1;
      console.log(`FAIL ${dialect}: missing ${missing.join(', ')} (listed: ${shown.join(', ')})`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await app.close();
  await postgres.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
