/** The difficulty tests of calibration against hand computations. */
import * as assert from 'node:assert/strict';
import { cochranArmitage, difficultyTest, normalCdf, waldTest } from '../rewards/trend-test';

const close = (a: number, b: number, eps = 1e-4) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);
const levels = (solved: number[], n: number, scores = solved.map((_, i) => i + 1)) =>
  solved.map((s, i) => ({ difficulty: scores[i]!, attempts: n, solved: s }));

describe('calibration: trend tests', () => {
  it('Cochran–Armitage matches the hand computation (levels 1,4,7,10; 14,10,6,2 of 16 solved)', () => {
    // N = 64, p = 32/64 = 0.5; T = 1(14-8) + 4(10-8) + 7(6-8) + 10(2-8) = -60;
    // sum n d^2 = 16 * 166 = 2656, (sum n d)^2 / N = 352^2 / 64 = 1936; Var = 0.25 * 720 = 180;
    // z = 60 / sqrt(180) = 4.47214; p = 1 - Phi(4.47214) = 3.87e-6.
    const r = cochranArmitage(levels([14, 10, 6, 2], 16, [1, 4, 7, 10]), 0.05);
    close(r.z, 60 / Math.sqrt(180));
    close(r.critical, 1.644854);
    assert.ok(r.reject);
    close(r.pValue, 3.87e-6, 1e-6);
  });

  it('uses the middle levels: a fall the two ends alone do not show is found', () => {
    // n = 10 at levels 1..7, solved 10,9,8,6,4,3,8 (the hardest level happens to go well).
    // Wald, level 1 vs 7: z = (1 - 0.8) / sqrt(0 + 0.8*0.2/10) = 1.5811 < 1.6449: not significant.
    // Trend: N = 70, p = 48/70; T = 170 - 28*480/70 = -22; Var = (48/70)(22/70)(1400 - 280^2/70) = 60.342857;
    // z = 22 / sqrt(60.342857) = 2.83211 > 1.6449.
    const ls = levels([10, 9, 8, 6, 4, 3, 8], 10);
    const wald = difficultyTest(ls, 'wald', 0.05);
    close(wald.z, 0.2 / Math.sqrt(0.016));
    assert.equal(wald.reject, false);
    const trend = difficultyTest(ls, 'trend', 0.05);
    close(trend.z, 22 / Math.sqrt(60.342857));
    assert.equal(trend.reject, true);
    assert.equal(trend.test, 'trend');
  });

  it('a flat or rising solve rate is not a fall; degenerate counts give z = 0', () => {
    assert.equal(cochranArmitage(levels([8, 8, 8], 16)).reject, false);
    const rising = cochranArmitage(levels([2, 8, 14], 16));
    assert.ok(rising.z < 0 && !rising.reject);
    assert.equal(cochranArmitage(levels([16, 16], 16)).z, 0); // all solved: no variance
    assert.equal(cochranArmitage(levels([0, 0], 16)).z, 0);
    assert.equal(cochranArmitage([]).reject, false);
  });

  it('the paper’s Wald test stays available and normalCdf is right', () => {
    assert.ok(waldTest({ attempts: 16, solved: 15 }, { attempts: 16, solved: 2 }).reject);
    close(normalCdf(1.959964), 0.975, 1e-6);
    close(normalCdf(-1), 0.158655, 1e-6);
    close(normalCdf(0), 0.5, 1e-9);
  });
});
