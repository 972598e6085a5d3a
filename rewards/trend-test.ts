/**
 * Does an environment's solve rate fall as difficulty rises? Two one-sided tests over the
 * policy model's solved / attempted counts per difficulty level:
 * - trend (default): the Cochran–Armitage test for trend in proportions, with the difficulty
 *   levels as scores, so every measured level counts (not only the two ends);
 * - wald: the ReSyn paper's one-sided Wald test of the lowest against the highest level.
 * Both give z (positive when the solve rate falls), the critical value z_(1-alpha), the
 * one-sided p-value and the decision.
 */

export interface LevelCount {
  difficulty: number;
  attempts: number;
  solved: number;
}
export type TrendTestName = 'trend' | 'wald';
export interface TestResult {
  test: TrendTestName;
  z: number;
  critical: number;
  pValue: number;
  reject: boolean;
}

/** A perfect separation has no finite z; this stands for it (JSON has no Infinity). */
const Z_INF = 1e6;

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * One-sided Wald test of H0: p_low <= p_high against H1: p_low > p_high (the solve rate falls
 * from the lowest to the highest level). z = (p_low - p_high) / sqrt(p_low(1-p_low)/n_low +
 * p_high(1-p_high)/n_high); with a zero standard error (e.g. 100% vs 0%) z is +inf when p_low >
 * p_high, else 0. Reject H0 (keep the environment) when z > z_(1-alpha).
 */
export function waldTest(
  low: { attempts: number; solved: number },
  high: { attempts: number; solved: number },
  alpha = 0.05,
): { z: number; critical: number; reject: boolean } {
  const critical = normalQuantile(1 - alpha);
  if (low.attempts === 0 || high.attempts === 0) return { z: 0, critical, reject: false };
  const pl = low.solved / low.attempts;
  const ph = high.solved / high.attempts;
  const se = Math.sqrt((pl * (1 - pl)) / low.attempts + (ph * (1 - ph)) / high.attempts);
  const z = se === 0 ? (pl > ph ? Z_INF : 0) : (pl - ph) / se;
  return { z, critical, reject: z > critical };
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  if (z >= Z_INF) return 1;
  if (z <= -Z_INF) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Cochran–Armitage test for a falling trend. With scores d_i (difficulty), n_i attempts, x_i
 * solved, N = sum n_i, p = sum x_i / N:
 *   T = sum d_i (x_i - n_i p),  Var(T) = p (1 - p) [sum n_i d_i^2 - (sum n_i d_i)^2 / N],
 *   z = -T / sqrt(Var(T))  (positive when the solve rate falls), reject H0 when z > z_(1-alpha).
 * A zero variance (all solved, none solved, or one level) gives z = 0.
 */
export function cochranArmitage(levels: LevelCount[], alpha = 0.05): TestResult {
  const critical = normalQuantile(1 - alpha);
  const used = levels.filter((l) => l.attempts > 0);
  const N = used.reduce((a, l) => a + l.attempts, 0);
  const R = used.reduce((a, l) => a + l.solved, 0);
  if (N === 0) return { test: 'trend', z: 0, critical, pValue: 0.5, reject: false };
  const p = R / N;
  const T = used.reduce((a, l) => a + l.difficulty * (l.solved - l.attempts * p), 0);
  const sd = used.reduce((a, l) => a + l.attempts * l.difficulty, 0);
  const sd2 = used.reduce((a, l) => a + l.attempts * l.difficulty * l.difficulty, 0);
  const variance = p * (1 - p) * (sd2 - (sd * sd) / N);
  const z = variance > 0 ? -T / Math.sqrt(variance) : 0;
  return { test: 'trend', z, critical, pValue: 1 - normalCdf(z), reject: z > critical };
}

/** The chosen test over levels sorted by difficulty (wald: lowest against highest). */
export function difficultyTest(levels: LevelCount[], test: TrendTestName, alpha: number): TestResult {
  if (test === 'trend') return cochranArmitage(levels, alpha);
  const sorted = levels.slice().sort((a, b) => a.difficulty - b.difficulty);
  const w = waldTest(sorted[0]!, sorted[sorted.length - 1]!, alpha);
  return { test: 'wald', ...w, pValue: 1 - normalCdf(w.z) };
}
