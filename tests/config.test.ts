/** temporal.config.ts: defaults, env overrides, and errors that name the variable. */
import { strict as assert } from 'node:assert';
import { ConfigError, loadConfig } from '../temporal.config';

describe('config', () => {
  it('has working local defaults', () => {
    const cfg = loadConfig({});
    assert.equal(cfg.temporal.address, undefined, 'no TEMPORAL_ADDRESS: the embedded dev server is used');
    assert.equal(cfg.temporal.namespace, 'default');
    assert.equal(cfg.temporal.devServerPort, 7233);
    assert.equal(cfg.temporal.devServerUiPort, 8233);
    assert.ok(cfg.dataDir.endsWith('.resyn'));
  });

  it('takes the contract variables: OPENAI_* for every role, RESYN_<ROLE>_* per role, reviser defaults to generator', () => {
    const cfg = loadConfig({
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_API_KEY: 'k',
      RESYN_GENERATOR_MODEL: 'gen-model',
      RESYN_JUDGE_BASE_URL: 'http://judge:1/v1',
      RESYN_POLICY_API_KEY: 'pk',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'ml',
      RESYN_DATA_DIR: '/tmp/resyn-data',
    });
    assert.equal(cfg.llm.generator.model, 'gen-model');
    assert.equal(cfg.llm.generator.baseURL, 'http://127.0.0.1:9/v1');
    assert.equal(cfg.llm.judge.baseURL, 'http://judge:1/v1');
    assert.equal(cfg.llm.policy.apiKey, 'pk');
    assert.deepEqual(cfg.llm.reviser, cfg.llm.generator);
    assert.equal(cfg.temporal.address, 'temporal.internal:7233');
    assert.equal(cfg.temporal.namespace, 'ml');
    assert.equal(cfg.dataDir, '/tmp/resyn-data');
  });

  it('fails at start naming the variable and what is expected', () => {
    assert.throws(
      () => loadConfig({ RESYN_SANDBOX_MEMORY_MB: 'lots' }),
      (e: Error) => e instanceof ConfigError && /RESYN_SANDBOX_MEMORY_MB="lots": expected an integer/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_ADDRESS: 'no-port' }),
      (e: Error) => e instanceof ConfigError && /TEMPORAL_ADDRESS: expected host:port/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ RESYN_JUDGE_BASE_URL: 'not a url' }),
      (e: Error) => e instanceof ConfigError && /RESYN_JUDGE_BASE_URL/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ RESYN_GROW_CONCURRENCY: '0' }),
      (e: Error) => e instanceof ConfigError && /RESYN_GROW_CONCURRENCY/.test(e.message),
    );
  });
});
