// The web console in a real browser (Debian's chromium through playwright-core) against a real
// four-validator network seeded with the remittance demo: a newcomer's path from the overview to a
// remittance credited and its transaction's proof verified. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { writeConsoleDemoKeys } from '../../src/cli/network/console-keys.ts';
import { seedDemoData } from '../../src/cli/network/seed.ts';
import { decryptKeyFile } from '../../src/crypto/keyfile.ts';
import { toHex } from '../../src/util/bytes.ts';
import { TestNetwork } from '../e2e/harness.ts';

const root = resolve(import.meta.dirname, '../..');
const chromiumPath = '/usr/bin/chromium';
const shotsDir = join(root, 'test-results');
const hasChromium = existsSync(chromiumPath);
const inCi = process.env.CI !== undefined && process.env.CI !== '';
const skip =
  !hasChromium && !inCi
    ? `${chromiumPath} is missing: apt-get install -y chromium (.ci/run installs it in CI)`
    : false;
/** Waits in the browser; generous because the machine is shared, never a timing assertion. */
const uiTimeoutMs = 30_000;

function buildConsole(): void {
  const res = spawnSync(process.execPath, ['scripts/console-build.mjs', '--if-stale'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  assert.equal(res.status, 0, 'the console build failed');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shotsDir, `console-${name}.png`), fullPage: true });
}

describe('web console in chromium', { skip, timeout: 180_000 }, () => {
  let net: TestNetwork;
  let browser: Browser;
  let page: Page;
  let home: string;
  const problems: string[] = [];

  before(async () => {
    buildConsole();
    mkdirSync(shotsDir, { recursive: true });
    net = await TestNetwork.create(4);
    writeConsoleDemoKeys(net.network); // what `tally start` does for its loopback network
    net.startAll();
    await net.waitAllReady(60_000);
    await seedDemoData(net.network, { log: () => {} });
    home = net.nodes[0]!.apiUrl;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(uiTimeoutMs);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400)
        problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await net?.close();
  });

  it('shows the network: organisations, healthy validators, live blocks', async () => {
    await page.goto(`${home}/`);
    await page.getByRole('heading', { name: 'Network overview' }).waitFor();
    await page.getByText('4 keys (demo)').waitFor();
    for (const n of net.nodes)
      await page.getByTestId(`node-${n.nodeId}`).getByText('healthy').waitFor();
    await page.getByTestId('org-ph-wallet').waitFor();
    await page
      .getByRole('link', { name: /^Block \d+$/ })
      .first()
      .waitFor();
    await shot(page, 'overview');
  });

  it('sends a remittance and sees it credited, with the regulator alone seeing Travel-Rule data', async () => {
    await page.getByRole('link', { name: 'Remittance', exact: true }).click();
    const maria = page.getByTestId('balance-ph-wallet/maria');
    await maria.waitFor();
    const before = (await maria.textContent()) ?? '';
    await page.getByLabel('Amount to send (HKD)').fill('250.00');
    await page.getByRole('button', { name: 'Get quote' }).click();
    const total = await page.getByTestId('total-cost').textContent();
    assert.match(total ?? '', /^HKD \d/);
    await page.getByRole('button', { name: /^Send HKD/ }).click();
    const sent = page.locator('[data-testid="sent-remittance"][data-status="completed"]');
    await sent.waitFor();
    assert.match((await sent.getByTestId('elapsed').textContent()) ?? '', /^in \d+\.\d+ s$/);
    await page.waitForFunction(
      (text) =>
        document.querySelector('[data-testid="balance-ph-wallet/maria"]')?.textContent !== text,
      before,
    );
    const travelRule = page.getByTestId('travel-rule');
    await travelRule.getByText('Alice Wong').waitFor();
    await travelRule.getByText('originator').waitFor();
    for (const view of ['#sender-view', '#receiver-view'])
      assert.equal(await page.locator(view).getByText('originator').count(), 0, view);
    await shot(page, 'remittance');
  });

  it("opens the remittance's transaction and sees its proof verified in the browser", async () => {
    await page.getByRole('link', { name: 'Send transaction' }).first().click();
    const verified = page.getByTestId('tx-verified');
    await verified.waitFor();
    const text = (await verified.textContent()) ?? '';
    assert.match(text, /Verified in this browser/);
    assert.match(text, /of 4 validators/);
    assert.match(text, /the validator set of epoch 1 \(the genesis set\)/);
    for (const org of ['hk-wallet', 'ph-wallet', 'settlement-bank', 'regulator-hk'])
      assert.ok(text.includes(org), `names validator ${org}`);
    await page.getByText('remittance.remittance_status').first().waitFor();
    await shot(page, 'transaction');
  });

  it('explores, administers, imports a key file, and fits a phone', async () => {
    await page.getByRole('link', { name: 'Explorer' }).click();
    await page.getByRole('textbox', { name: 'Search' }).fill('hk-wallet/alice');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('state-verified').waitFor();
    await shot(page, 'explorer-account');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByTestId('validator-set-summary').waitFor();
    await page.getByRole('button', { name: 'Generate key and CSR' }).click();
    await page.getByTestId('csr').getByText('BEGIN CERTIFICATE REQUEST').waitFor();
    await shot(page, 'admin');
    await page.getByRole('link', { name: /keys/ }).first().click();
    const client = net.network.clients.find((c) => c.name === `${c.orgId}-api`)!;
    await page.getByLabel(/API key file/).setInputFiles(client.keyFile);
    await page.getByLabel('Passphrase').fill(readFileSync(client.passphraseFile!, 'utf8').trim());
    await page.getByRole('button', { name: 'Import key' }).click();
    await page.getByTestId('import-result').getByText(`(${client.orgId})`).waitFor();
    await shot(page, 'keys');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Network overview' }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `the phone layout scrolls sideways by ${overflow} px`);
    await shot(page, 'overview-phone');
    assert.deepEqual(problems, []);
  });

  it('registers an API key made in the browser, lists it, and revokes it', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Administration' }).click();
    const form = page.getByRole('form', { name: 'Register a new API key' });
    await form.getByLabel('Key name').fill('console-teller');
    await form.getByLabel('Passphrase for the key file').fill('teller passphrase');
    await form.getByRole('button', { name: 'Create and register key' }).click();
    await page.getByTestId('new-key').waitFor();
    const row = page.getByTestId('org-keys').locator('tr[data-key-name="console-teller"]');
    await row.getByText('live', { exact: true }).waitFor();
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download key file' }).click();
    const keyFile = readFileSync((await (await downloading).path())!, 'utf8');
    // The node's own reader opens what the browser wrote, and it is the key now on chain.
    const pair = decryptKeyFile(keyFile, 'teller passphrase');
    await row.getByText(toHex(pair.publicKey).slice(0, 8)).first().waitFor();
    await shot(page, 'admin-keys');
    await row.getByRole('button', { name: 'Revoke console-teller' }).click();
    await row.getByRole('button', { name: 'Confirm revoking console-teller' }).click();
    await row.getByText(/^revoked at \d+$/).waitFor();
    assert.deepEqual(problems, []);
  });

  it('shows the validator set, proposes a reordered set by keyboard, and withdraws it', async () => {
    const validatorIds = net.network.nodes.map((n) => n.nodeId);
    const card = page.getByRole('region', { name: 'Validator set' });
    await card
      .getByTestId('validator-set-summary')
      .getByText('Epoch 1: 4 validators, quorum 3 of 4.')
      .waitFor();
    const setRows = card.getByTestId('validator-set').locator('tbody tr');
    assert.deepEqual(await setRows.locator('td:nth-child(2)').allTextContents(), validatorIds);
    await card.getByText('No proposals yet.').waitFor();
    const form = card.getByRole('form', { name: 'Propose a validator set' });
    const chosen = form.getByTestId('proposed-nodes').locator('li');
    await chosen.nth(3).waitFor();
    // The set in force again is refused by the chain, and the page says why with the code.
    await form.getByRole('button', { name: 'Propose this set' }).click();
    await form.getByText('(gov_validators_unchanged)').waitFor();
    await form.getByRole('button', { name: `Move ${validatorIds[1]} up` }).focus();
    await page.keyboard.press('Enter');
    const reordered = [validatorIds[1]!, validatorIds[0]!, ...validatorIds.slice(2)];
    await chosen.first().getByText(reordered[0]!).waitFor();
    await form.getByLabel('Note: why the set changes').fill('ph-wallet leads');
    await form.getByRole('button', { name: 'Propose this set' }).focus();
    await page.keyboard.press('Enter');
    await form.getByText(`Proposed ${reordered.join(', ')}.`).waitFor();
    const proposal = card.getByTestId('proposals').locator('tr[data-proposal-id="1"]');
    await proposal.getByText('0 of 3 needed').waitFor();
    await proposal.getByText(reordered.join(', ')).waitFor();
    await proposal.getByText('ph-wallet leads').waitFor();
    await shot(page, 'admin-validators');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `the phone layout scrolls sideways by ${overflow} px`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await proposal.getByRole('button', { name: 'Withdraw proposal 1' }).click();
    await proposal.getByText('withdrawn').waitFor();
    assert.deepEqual(problems, []);
  });
});
