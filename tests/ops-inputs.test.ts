/**
 * Workflow inputs from the Temporal UI: every registered workflow takes one JSON object, and a
 * typo (unknown key) or a wrong type fails the run at once — an ApplicationFailure, non-retryable,
 * whose message names the field. Runs each workflow listed in workflows/index.ts on the real server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { projectRoot } from '../lib/paths';
import { testClient, testConfig, withWorker } from './support/temporal';

/** Workflow names exported by workflows/index.ts (read as text: importing workflow code outside a worker is not safe). */
function registeredWorkflows(): string[] {
  const src = fs.readFileSync(path.join(projectRoot, 'workflows', 'index.ts'), 'utf8');
  return [...src.matchAll(/export\s*\{([^}]*)\}/g)]
    .flatMap((m) =>
      m[1]!.split(',').map(
        (s) =>
          s
            .trim()
            .split(/\s+as\s+/)
            .pop()!,
      ),
    )
    .filter(Boolean);
}

/** Per workflow: an input with one wrong-typed field, and that field's name. */
const WRONG_TYPE: Record<string, { input: Record<string, unknown>; field: string }> = {
  growLibrary: { input: { keywords: 'not-a-list' }, field: 'keywords' },
  synthesizeEnvironment: { input: { keyword: 42 }, field: 'keyword' },
  sampleTrainingData: { input: { name: 'x', instancesPerEnv: 'many' }, field: 'instancesPerEnv' },
  calibrateDifficulty: { input: { instancesPerLevel: 'lots' }, field: 'instancesPerLevel' },
  nightlyGrowth: { input: { target: 'ten' }, field: 'target' },
  resumeRun: { input: { workflowId: 42 }, field: 'workflowId' },
  pingWorkflow: { input: { file: '/tmp/x', token: 7 }, field: 'token' },
};

describe('workflow inputs from the UI (every registered workflow)', function () {
  this.timeout(120_000);
  let client: Client;
  before(async () => {
    client = await testClient();
  });
  after(async () => {
    await client.connection.close();
  });

  const workflows = registeredWorkflows();

  it('lists the workflows to check', () => {
    for (const w of ['growLibrary', 'synthesizeEnvironment', 'sampleTrainingData', 'nightlyGrowth', 'resumeRun'])
      assert.ok(workflows.includes(w), `${w} registered`);
    for (const w of workflows) assert.ok(WRONG_TYPE[w], `add a wrong-type case for the new workflow ${w} to this test`);
  });

  /** Starts the workflow with `input` and returns its ApplicationFailure. */
  async function failureOf(cfg: ReturnType<typeof testConfig>, type: string, input: unknown, tag: string): Promise<ApplicationFailure> {
    const h = await client.workflow.start(type, {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: `bad-input-${type}-${tag}-${process.pid}-${Date.now()}`,
      args: [input],
    });
    const err = await h.result().then(
      () => assert.fail(`${type} accepted ${JSON.stringify(input)}`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError, `${type}: expected WorkflowFailedError, got ${String(err)}`);
    assert.ok(
      err.cause instanceof ApplicationFailure,
      `${type}: the cause is an ApplicationFailure (got ${err.cause?.constructor.name}: ${err.cause?.message})`,
    );
    return err.cause;
  }

  it('a typo (unknown key) or a wrong type fails at once, non-retryable, naming the field', async () => {
    const cfg = testConfig({}, 'inputs');
    const problems: string[] = [];
    await withWorker(cfg, async () => {
      await Promise.all(
        workflows.map(async (type) => {
          const typo = await failureOf(cfg, type, { ...WRONG_TYPE[type]!.input, thisKeyIsATypo: true }, 'typo');
          if (!typo.nonRetryable) problems.push(`${type}: typo failure is retryable`);
          if (!typo.message.includes('thisKeyIsATypo'))
            problems.push(`${type}: an unknown key is not reported (make its input schema strict: z.strictObject): ${typo.message}`);
          const wrong = await failureOf(cfg, type, WRONG_TYPE[type]!.input, 'type');
          if (!wrong.nonRetryable) problems.push(`${type}: wrong-type failure is retryable`);
          if (!wrong.message.includes(WRONG_TYPE[type]!.field))
            problems.push(`${type}: wrong type of ${WRONG_TYPE[type]!.field} not named: ${wrong.message}`);
          const notObject = await failureOf(cfg, type, 'just a string', 'str');
          if (!notObject.nonRetryable) problems.push(`${type}: non-object input failure is retryable`);
        }),
      );
    });
    assert.deepEqual(problems, []);
  });
});
