/**
 * The Temporal Web UI path as a person takes it (README walkthrough, step 2): the dev server of the
 * test fixture serves the UI; a real browser (Debian's chromium, driven by playwright-core) opens
 * Workflows → Start Workflow, fills in Workflow ID, Task Queue, Workflow Type and the README's JSON
 * input for sampleTrainingData, and starts it; the run completes; the list filtered on
 * ResynRunKind shows it; the README's typo'd input fails naming the key. A screenshot of every step
 * is kept under test-artifacts/web-ui/ (git-ignored; the folder is printed).
 *
 * Without chromium the test fails and says how to install it (.ci/run installs it): it never passes
 * without having driven the UI.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { type Browser, chromium, type Page } from 'playwright-core';
import { projectRoot } from '../lib/paths';
import type { ResynConfig } from '../temporal.config';
import type { SampleOutcome } from '../workflows/sample-training-data';
import { seedLibrary } from './support/dataset';
import { startWorker, testClient, testConfig, waitFor, type RunningWorker } from './support/temporal';

process.env.RESYN_LOG_LEVEL ??= 'ERROR';

/** Debian's chromium (`apt-get install -y chromium`); RESYN_TEST_CHROMIUM names another build. */
const CHROMIUM = process.env.RESYN_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(projectRoot, 'test-artifacts', 'web-ui');

/** The inputs the README's walkthrough tells a person to type into the form (so README and test cannot drift apart). */
function readmeInputs(): { good: string; typo: string; typoMessage: string } {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const step = readme.slice(readme.indexOf('**Start a run from the UI**'));
  const good = /Input `(\{[^`]*\})`/.exec(step)?.[1];
  const typo = /input\s+`(\{[^`]*\})` ends FAILED/.exec(step)?.[1];
  const typoMessage = /ends FAILED with\s+`([^`]*)`/.exec(step)?.[1];
  assert.ok(good && typo && typoMessage, 'the README walkthrough names the UI input, the typo and its message');
  return { good, typo, typoMessage: typoMessage.replace(/\s+/g, ' ') };
}

describe('the Temporal Web UI as users take it (Start Workflow → sampleTrainingData; chromium via playwright-core)', function () {
  this.timeout(180_000);
  let client: Client;
  let cfg: ResynConfig;
  let worker: RunningWorker | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let uiUrl: string;
  let shots: string;
  let step = 0;
  const inputs = readmeInputs();
  const runId = `${process.pid}-${Date.now().toString(36)}`;

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(shots, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  before(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(
        `no chromium at ${CHROMIUM}: this test drives the Temporal Web UI in a real browser. Install Debian's chromium ` +
          '(`apt-get install -y chromium`; .ci/run does) or set RESYN_TEST_CHROMIUM to a chromium binary',
      );
    const url = process.env.RESYN_TEST_TEMPORAL_UI_URL;
    if (!url)
      throw new Error('no Temporal Web UI: the test fixture starts one; against TEMPORAL_ADDRESS set RESYN_TEST_TEMPORAL_UI_URL to its UI');
    uiUrl = url;
    shots = path.join(ARTIFACTS, runId);
    fs.mkdirSync(shots, { recursive: true });
    client = await testClient();
    cfg = testConfig({ RESYN_SANDBOX_WORKERS: '1' }, 'webui');
    await seedLibrary(cfg);
    worker = await startWorker(cfg);
    const settings = await waitFor(
      'the Web UI to answer',
      async () => {
        const r = await fetch(`${uiUrl}/api/v1/settings`).catch(() => undefined);
        return r?.ok ? ((await r.json()) as { StartWorkflowDisabled?: boolean; DisableWriteActions?: boolean }) : undefined;
      },
      30_000,
      200,
    );
    // The dev server's UI lets people start workflows (a UI server configured with startWorkflowDisabled would not).
    assert.equal(settings.StartWorkflowDisabled, false, 'the UI has Start Workflow enabled');
    assert.equal(settings.DisableWriteActions, false, 'the UI allows write actions');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot('failed').catch(() => undefined);
  });
  after(async () => {
    await browser?.close();
    await worker?.stop();
    await client?.connection.close();
    if (shots) console.log(`      screenshots: ${shots}`);
  });

  /** Workflows → Start Workflow, the form filled in as the README says, → Start Workflow. */
  async function startFromUi(workflowId: string, input: string, name: string): Promise<void> {
    await page.goto(`${uiUrl}/namespaces/default/workflows`);
    await page.getByRole('link', { name: 'Start Workflow' }).first().click();
    await page.locator('#workflowId').fill(workflowId);
    await page.locator('#taskQueue').fill(cfg.temporal.taskQueue);
    await page.locator('#workflowType').fill('sampleTrainingData');
    const data = page.locator('[aria-label="Data"]');
    await data.click();
    // Inserted as text: the editor would auto-close typed brackets and quotes.
    await page.keyboard.insertText(input);
    // Leave the editor, as a person does before pressing the button (the form takes the input on blur).
    await page.keyboard.press('Tab');
    await shot(`${name}-form`);
    await page.getByTestId('start-workflow-button').click();
    await waitFor(
      `the run ${workflowId} to exist`,
      () =>
        client.workflow
          .getHandle(workflowId)
          .describe()
          .catch(() => undefined),
      30_000,
      200,
    );
  }

  /** The run's page in the UI, once the run closed, showing `status`. */
  async function runPage(workflowId: string, status: string, name: string): Promise<void> {
    const h = client.workflow.getHandle(workflowId);
    await h.result().catch(() => undefined);
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await page.getByText(status, { exact: true }).first().waitFor();
    await shot(`${name}-${status.toLowerCase()}`);
  }

  it('Start Workflow with the README input runs sampleTrainingData to completion', async () => {
    const workflowId = `ui-demo-${runId}`;
    await startFromUi(workflowId, inputs.good, 'start');
    const outcome = (await client.workflow.getHandle(workflowId).result()) as SampleOutcome;
    assert.equal(outcome.name, JSON.parse(inputs.good).name);
    assert.ok(outcome.rows > 0 && fs.existsSync(outcome.manifestPath), JSON.stringify(outcome));
    await runPage(workflowId, 'Completed', 'run');
  });

  it('the workflow list filtered on ResynRunKind = "sample" shows the run', async () => {
    const query = 'ResynRunKind = "sample"';
    await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    await page
      .getByRole('link', { name: `ui-demo-${runId}` })
      .first()
      .waitFor();
    await shot('list-filtered');
    // The filter really filters: a run of another kind is not listed.
    await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('ResynRunKind = "grow"')}`);
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByRole('link', { name: `ui-demo-${runId}` }).count(), 0);
  });

  it("the README's typo'd input fails at once, naming the key", async () => {
    const workflowId = `ui-typo-${runId}`;
    await startFromUi(workflowId, inputs.typo, 'typo');
    const err = await client.workflow
      .getHandle(workflowId)
      .result()
      .then(
        () => assert.fail('the typo run should fail'),
        (e: Error) => e,
      );
    assert.equal((err.cause as Error | undefined)?.message, inputs.typoMessage);
    await runPage(workflowId, 'Failed', 'typo'); // the screenshot shows the message
    // The run page shows the failure in its Result panel, as JSON (quotes escaped).
    const shown = JSON.stringify(inputs.typoMessage).slice(1, -1);
    await waitFor(
      'the failure message on the run page',
      async () => ((await page.locator('body').textContent()) ?? '').includes(shown),
      30_000,
      250,
    );
  });
});
