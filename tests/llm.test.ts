/** The LLM client over real HTTP (the `openai` package) against the scripted server; reply parsers. */
import * as assert from 'node:assert/strict';
import { CONNECT_ATTEMPTS, chat, endpointProblem, LlmError, probeEndpoint, settingVariable } from '../llm/client';
import { extractCode, parseJudge, parseProposals } from '../llm/parse';
import { renderPrompt, fewShotExamples } from '../llm/prompts';
import { defaultConfig } from '../temporal.config';
import { freePort } from '../worker/dev-server';
import { startFakeLlm, type FakeLlm, type FakeReply } from './support/fake-llm';

describe('llm client', () => {
  let fake: FakeLlm;
  let next: FakeReply = 'hello';
  before(async () => {
    fake = await startFakeLlm(() => next);
  });
  after(async () => {
    await fake.close();
  });
  const role = () => ({ name: 'judge' as const, model: 'm1', baseURL: fake.baseURL, apiKey: 'k' });
  const call = () => chat(role(), [{ role: 'user', content: 'hi there' }], { timeoutMs: 500 });
  const fails = async (reply: FakeReply): Promise<LlmError> => {
    next = reply;
    try {
      await call();
    } catch (err) {
      assert.ok(err instanceof LlmError, String(err));
      return err;
    }
    throw new Error('expected a failure');
  };

  it('returns content, usage and model', async () => {
    next = 'hello';
    const r = await call();
    assert.equal(r.content, 'hello');
    assert.equal(r.model, 'm1');
    assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
    assert.equal(fake.calls.at(-1)!.model, 'm1');
  });

  it('classifies failures: retryable with Retry-After, or not, naming role, endpoint and model', async () => {
    const rl = await fails({ status: 429, headers: { 'retry-after': '3' } });
    assert.equal(rl.kind, 'rate-limit');
    assert.equal(rl.retryable, true);
    assert.equal(rl.retryAfterMs, 3000);
    assert.equal((await fails({ status: 503 })).retryable, true);
    const t = await fails({ delayMs: 1500, reply: 'late' });
    assert.equal(t.kind, 'timeout');
    assert.equal(t.retryable, true);
    for (const m of ['truncated', 'not-json', 'no-choices'] as const) {
      const e = await fails({ malformed: m });
      assert.equal(e.retryable, true, m);
    }
    for (const status of [400, 401, 403, 404]) {
      const e = await fails({ status });
      assert.equal(e.retryable, false, String(status));
      assert.match(e.message, /judge/);
      assert.match(e.message, /m1/);
      assert.ok(e.message.includes(fake.baseURL));
    }
  });

  it('gives up on an endpoint that refuses connections after a short bounded retry, naming the variable', async () => {
    const closed = await freePort(); // nothing listens there
    const t0 = Date.now();
    const conn = await chat({ ...role(), baseURL: `http://127.0.0.1:${closed}/v1` }, [{ role: 'user', content: 'x' }], {
      timeoutMs: 500,
    }).catch((e) => e);
    assert.ok(conn instanceof LlmError);
    assert.equal(conn.kind, 'unreachable');
    assert.equal(conn.retryable, false);
    assert.match(
      conn.message,
      new RegExp(`ECONNREFUSED\\) in ${CONNECT_ATTEMPTS} attempts; check OPENAI_BASE_URL or RESYN_JUDGE_BASE_URL`),
    );
    assert.ok(Date.now() - t0 < 10_000, 'within seconds');
  });

  it('names the variable that set the key, the model or the base URL in non-retryable failures', async () => {
    const saved = { ...process.env };
    try {
      process.env.OPENAI_API_KEY = 'sk-wrong';
      process.env.RESYN_JUDGE_MODEL = 'no-such-model';
      const auth = await fails({ status: 401 });
      assert.equal(auth.kind, 'auth');
      assert.match(auth.message, /check the API key \(OPENAI_API_KEY\)/);
      const missing = await fails({
        status: 404,
        body: JSON.stringify({ error: { message: 'The model `no-such-model` does not exist' } }),
      });
      assert.equal(missing.kind, 'not-found');
      assert.match(
        missing.message,
        /check the model name \(RESYN_JUDGE_MODEL\) and the base URL \(OPENAI_BASE_URL or RESYN_JUDGE_BASE_URL\)/,
      );
      const model400 = await fails({
        status: 400,
        body: JSON.stringify({ error: { message: 'model "x" not found, try pulling it first' } }),
      });
      assert.equal(model400.kind, 'not-found', 'Ollama answers an unknown model with 400');
      assert.equal((await fails({ status: 400 })).kind, 'client');
      assert.equal(settingVariable('reviser', 'MODEL', { RESYN_GENERATOR_MODEL: 'g' }), 'RESYN_GENERATOR_MODEL');
      assert.equal(settingVariable('reviser', 'MODEL', { RESYN_GENERATOR_MODEL: 'g', RESYN_REVISER_BASE_URL: 'u' }), 'RESYN_REVISER_MODEL');
    } finally {
      process.env = saved;
    }
  });

  it('probes an endpoint with one cheap request: the model list, else a 1-token completion', async () => {
    const before = fake.calls.length;
    const listed = await probeEndpoint({ ...role(), model: 'fake-model' }, { timeoutMs: 1000 });
    assert.deepEqual(listed, { role: 'judge', baseURL: fake.baseURL, model: 'fake-model', via: 'models', modelListed: true });
    assert.equal(fake.calls.length, before, 'GET /models costs no completion');
    assert.equal((await probeEndpoint(role(), { timeoutMs: 1000 })).modelListed, false);
    const noList = await startFakeLlm(() => 'ok', { models: null });
    try {
      // A server without /models (404 on the route): one completion of at most 1 token instead.
      const r = await probeEndpoint({ ...role(), baseURL: noList.baseURL }, { timeoutMs: 1000 });
      assert.equal(r.via, 'completion');
      assert.equal(noList.calls.length, 1);
      assert.equal(noList.calls[0]!.body.max_tokens, 1);
    } finally {
      await noList.close();
    }
    next = 'pong';
    const dead = await probeEndpoint({ ...role(), baseURL: `http://127.0.0.1:${await freePort()}/v1` }, { timeoutMs: 500 }).catch((e) => e);
    assert.equal(dead.kind, 'unreachable');
  });

  it('says which variables to set when no endpoint is configured', async () => {
    assert.match(endpointProblem({ name: 'generator', model: 'x' })!, /OPENAI_BASE_URL.*RESYN_GENERATOR_BASE_URL/);
    const e = await chat({ name: 'generator', model: 'x' }, [], { timeoutMs: 100 }).catch((x) => x);
    assert.equal(e.retryable, false);
  });
});

describe('reply parsers and prompts', () => {
  it('takes the LAST ```js block', () => {
    const r = extractCode('a\n```js\nfirst\n```\nb\n```javascript\nsecond()\n```\n');
    assert.deepEqual(r, { ok: true, value: 'second()\n' });
    assert.equal(extractCode('no code').ok, false);
    assert.equal(extractCode('```python\nx\n```').ok, false);
  });
  it('reads judge JSON raw or fenced, and rejects contract breaks with a reason', () => {
    assert.equal((parseJudge('{"verdict":"accept","scores":{"a":5},"feedback":""}') as any).value.verdict, 'accept');
    assert.equal((parseJudge('Sure:\n```json\n{"verdict":"revise","scores":{"a":2},"feedback":"fix"}\n```') as any).value.feedback, 'fix');
    const bad = parseJudge('{"verdict":"maybe","scores":{"a":9},"feedback":1}');
    assert.equal(bad.ok, false);
    assert.match((bad as any).error, /verdict/);
    assert.equal(parseJudge('accept!').ok, false);
  });
  it('parses distinct proposals', () => {
    const r = parseProposals('[{"name":"A B","description":"x"},{"name":"a-b","description":"dup"},{"name":"c","description":"y"}]', 8);
    assert.deepEqual(
      (r as any).value.map((p: any) => p.name),
      ['a-b', 'c'],
    );
    assert.equal(parseProposals('{"tasks":[{"name":"z","description":"q"}]}', 1).ok, true);
  });
  it('renders every template with markers and no leftover placeholders', () => {
    const vars = {
      keyword: 'k',
      family: 'logic',
      count: 3,
      proposal_name: 'p',
      proposal_description: 'd',
      round: 1,
      source: 'src',
      history: 'h',
      report: 'r',
      instances: 'i',
      examples: 'e',
      max_claims: 5,
      criteria: 'c',
      reply_shape: 'j',
    };
    for (const t of ['propose', 'generate', 'revise', 'code-judge', 'question-judge', 'red-team'] as const) {
      const m = renderPrompt(t, vars, defaultConfig());
      assert.match(m[0]!.content, new RegExp(`^\\[resyn:${t}\\]`));
      assert.doesNotMatch(m.map((x) => x.content).join(''), /\{\{/);
    }
    // Few-shot examples come from the keyword's own family first, are real seed sources, and depend on the keyword.
    const ex = fewShotExamples('sudoku', 'constraint-satisfaction', 2);
    assert.equal(ex.length, 2);
    assert.ok(
      ex.every((e) => e.family === 'constraint-satisfaction' && /export default/.test(e.source)),
      JSON.stringify(ex.map((e) => [e.family, e.name])),
    );
    const names = (kw: string) => fewShotExamples(kw, 'constraint-satisfaction', 1)[0]!.name;
    assert.ok(
      new Set(['sudoku', 'kakuro', 'nonogram', 'futoshiki', 'hitori'].map(names)).size > 1,
      'different keywords rotate the examples',
    );
    assert.notEqual(fewShotExamples('x', 'no-such-family', 1)[0]?.family, undefined, 'an unknown family still gets examples');
  });
});
