/**
 * Answer extraction and normalisation (lib/answer.ts), no sandbox: the last complete <answer>
 * block on the original string (Unicode whose case mapping changes length), and the wrappers
 * stripped before verify. The seed-level property (normalisation never turns a wrong answer
 * right) runs in tests/seeds.test.ts on the real verifiers.
 */
import * as assert from 'node:assert/strict';
import { ANSWER_WRAPPERS, extractAnswer, extractRawAnswer, normaliseAnswer } from '../lib/answer';

describe('answer extraction', () => {
  it('reads the last complete block, case-insensitive tags', () => {
    assert.equal(extractRawAnswer('think <answer>1</answer> no, <ANSWER> 2 </Answer>'), '2');
    assert.equal(extractRawAnswer('<answer>1</answer> then <answer>2 (truncated'), '1');
    assert.equal(extractRawAnswer('no tags'), null);
    assert.equal(extractRawAnswer('</answer><answer>'), null);
    assert.equal(extractRawAnswer(42 as unknown as string), null);
  });

  it('extracts on the original string when lowercasing changes its length', () => {
    // "İ".toLowerCase() is two code units; index arithmetic on a lowered copy read "an".
    assert.equal('İ'.toLowerCase().length, 2);
    assert.equal(extractAnswer('İİİ <answer>42</answer>'), '42');
    assert.equal(extractAnswer('İİİ <ANSWER>42</ANSWER> İ'), '42');
    // Characters whose upper/lower forms change length, before, inside and after the block.
    for (const odd of ['İ', 'ß', 'ŉ', 'ﬁ', 'ǰ', 'ΐ', 'Ⱥ', '\u0130\u0307']) {
      const pad = odd.repeat(7);
      assert.equal(extractAnswer(`${pad}<answer>${pad} 7</answer>${pad}`), `${pad} 7`, JSON.stringify(odd));
      assert.equal(extractAnswer(`<Answer>x</Answer>${pad}<aNsWeR>y${pad}</ANSWER>`), `y${pad}`, JSON.stringify(odd));
    }
  });

  it('is linear on long hostile responses', () => {
    const r = `${'<answer>'.repeat(100_000)}5${'</answer>'.repeat(3)}`;
    assert.equal(extractAnswer(r), '5');
  });
});

describe('answer normalisation', () => {
  const cases: [string, string][] = [
    ['\\boxed{1/2}', '1/2'],
    ['\\boxed{\\frac{1}{2}}', '\\frac{1}{2}'],
    ['$1/2$', '1/2'],
    ['$$1/2$$', '1/2'],
    ['**1/2**', '1/2'],
    ['x = 1/2', '1/2'],
    ['The answer is 1/2', '1/2'],
    ['Final answer: 1/2.', '1/2'],
    ['**$\\boxed{3}$**.', '3'],
    ['`fill A`', 'fill A'],
    ['3.', '3'],
    ['1.5', '1.5'],
    ['...', '...'],
    ['a=1, b=0', 'a=1, b=0'],
    ['$1$ and $2$', '$1$ and $2$'],
    ['\\boxed{1} + \\boxed{2}', '\\boxed{1} + \\boxed{2}'],
    ['**', '**'],
    ['$$', '$$'],
    ['', ''],
  ];
  for (const [input, want] of cases)
    it(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => assert.equal(normaliseAnswer(input), want));

  it('every wrapper is removed again, alone and nested, over many answers', () => {
    const answers = ['42', '1/2', '-3', 'yes', 'fill A, pour A B', '1 2 3', '[1, [2]]', 'R U L D', 'abc', '0.25', 'Knight, Knave'];
    for (const a of answers) {
      for (const w of ANSWER_WRAPPERS) assert.equal(normaliseAnswer(w.wrap(a)), a, `${w.name} around ${a}`);
      for (const w1 of ANSWER_WRAPPERS)
        for (const w2 of ANSWER_WRAPPERS.filter((w) => w !== w1))
          assert.equal(normaliseAnswer(w2.wrap(w1.wrap(a))), a, `${w2.name}(${w1.name}(${a}))`);
    }
  });

  it('what verify sees is always a contiguous piece of what the model wrote', () => {
    // Deterministic pseudo-random answers over the wrapper alphabet.
    let x = 12345;
    const rnd = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    const alphabet = ['$', '*', '\\boxed{', '{', '}', '.', 'x', '=', ' ', '1', 'The answer is ', '`', '\\(', '\\)', 'İ'];
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: 1 + rnd(8) }, () => alphabet[rnd(alphabet.length)]).join('');
      const n = normaliseAnswer(s);
      assert.ok(s.includes(n), `${JSON.stringify(s)} -> ${JSON.stringify(n)}`);
      assert.equal(normaliseAnswer(n), n, `not idempotent on ${JSON.stringify(s)}`);
    }
  });
});
