/**
 * Unconstrained L-BFGS following the iteration of L-BFGS-B 3.0 (what `scipy.optimize.minimize(method='L-BFGS-B')`
 * runs, and so what scikit-learn's lbfgs solvers run) on problems without bounds: first step
 * `1/||g||` along `-g`, More-Thuente line search (`dcsrch`, ftol 1e-3, gtol 0.9, xtol 0.1), the
 * curvature-skip rule `s'y <= eps * (-g's)`, memory refresh after a failed line search, and the
 * stopping tests `max|g| <= gtol` and `(f_old - f) <= ftol * max(|f_old|, |f|, 1)`. The search
 * direction uses the two-loop recursion (equal in exact arithmetic to L-BFGS-B's compact form),
 * so iterates agree with scipy's to rounding, not bit for bit.
 */

/** Objective: returns f(x) and writes the gradient into `g`. */
export type ObjectiveFn = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** Maximum number of iterations (scipy `maxiter`, default 15000). */
  maxIter?: number;
  /** Maximum number of function evaluations (scipy `maxfun`, default 15000). */
  maxFun?: number;
  /** History size (scipy `maxcor`, default 10). */
  m?: number;
  /** Stop when max|g_i| <= gtol (scipy `gtol`, default 1e-5). */
  gtol?: number;
  /** Stop when the relative reduction of f is <= ftol (scipy `ftol`, default 2.220446049250313e-09). */
  ftol?: number;
  /** Maximum line-search steps per iteration (scipy `maxls`, default 20). */
  maxLs?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  nIter: number;
  nFev: number;
  /** true when a gradient or f-reduction test stopped the run (not maxIter / a failed line search) */
  converged: boolean;
  message: string;
}

const EPS = 2.220446049250313e-16;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]!); if (v > m) m = v; }
  return m;
}

/** State of dcsrch (MINPACK-2). */
interface LsState {
  brackt: boolean; stage: number; ginit: number; gtest: number; gx: number; gy: number; finit: number; fx: number; fy: number;
  stx: number; sty: number; stmin: number; stmax: number; width: number; width1: number;
}

interface StepBox { stx: number; fx: number; dx: number; sty: number; fy: number; dy: number; stp: number; brackt: boolean }

/** MINPACK-2 dcstep: safeguarded cubic/quadratic step. Mutates `b`. */
function dcstep(b: StepBox, fp: number, dp: number, stpmin: number, stpmax: number): void {
  const { stx, fx, dx, sty, fy, dy, stp } = b;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    b.brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    b.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (b.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      if (stp > stx) stpf = Math.min(stp + 0.66 * (sty - stp), stpf);
      else stpf = Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(stpmax, stpf);
      stpf = Math.max(stpmin, stpf);
    }
  } else {
    if (b.brackt) {
      const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) ** 2 - (dy / s) * (dp / s));
      if (stp > sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dy;
      const r = p / q;
      stpf = stp + r * (sty - stp);
    } else if (stp > stx) stpf = stpmax;
    else stpf = stpmin;
  }
  if (fp > fx) {
    b.sty = stp; b.fy = fp; b.dy = dp;
  } else {
    if (sgnd < 0) { b.sty = stx; b.fy = fx; b.dy = dx; }
    b.stx = stp; b.fx = fp; b.dx = dp;
  }
  b.stp = stpf;
}

const FTOL_LS = 1e-3, GTOL_LS = 0.9, XTOL_LS = 0.1, STPMAX = 1e10;

/** dcsrch after an evaluation: returns ['FG', nextStp] or ['CONV' | 'WARN', stp]. */
function dcsrchStart(f: number, g: number, stp: number): LsState {
  return {
    brackt: false, stage: 1, finit: f, ginit: g, gtest: FTOL_LS * g, width: STPMAX, width1: STPMAX / 0.5,
    stx: 0, fx: f, gx: g, sty: 0, fy: f, gy: g, stmin: 0, stmax: stp + 4 * stp,
  };
}

function dcsrchStep(s: LsState, f: number, g: number, stp: number): ['FG' | 'CONV' | 'WARN', number] {
  const ftest = s.finit + stp * s.gtest;
  if (s.stage === 1 && f <= ftest && g >= 0) s.stage = 2;
  let task: 'FG' | 'CONV' | 'WARN' = 'FG';
  if (s.brackt && (stp <= s.stmin || stp >= s.stmax)) task = 'WARN';
  if (s.brackt && s.stmax - s.stmin <= XTOL_LS * s.stmax) task = 'WARN';
  if (stp === STPMAX && f <= ftest && g <= s.gtest) task = 'WARN';
  if (stp === 0 && (f > ftest || g >= s.gtest)) task = 'WARN';
  if (f <= ftest && Math.abs(g) <= GTOL_LS * -s.ginit) task = 'CONV';
  if (task !== 'FG') return [task, stp];
  const box: StepBox = { stx: s.stx, fx: s.fx, dx: s.gx, sty: s.sty, fy: s.fy, dy: s.gy, stp, brackt: s.brackt };
  if (s.stage === 1 && f <= s.fx && f > ftest) {
    const fm = f - stp * s.gtest;
    box.fx = s.fx - s.stx * s.gtest; box.fy = s.fy - s.sty * s.gtest;
    box.dx = s.gx - s.gtest; box.dy = s.gy - s.gtest;
    dcstep(box, fm, g - s.gtest, s.stmin, s.stmax);
    s.fx = box.fx + box.stx * s.gtest; s.fy = box.fy + box.sty * s.gtest;
    s.gx = box.dx + s.gtest; s.gy = box.dy + s.gtest;
  } else {
    dcstep(box, f, g, s.stmin, s.stmax);
    s.fx = box.fx; s.fy = box.fy; s.gx = box.dx; s.gy = box.dy;
  }
  s.stx = box.stx; s.sty = box.sty; s.brackt = box.brackt;
  let next = box.stp;
  if (s.brackt) {
    if (Math.abs(s.sty - s.stx) >= 0.66 * s.width1) next = s.stx + 0.5 * (s.sty - s.stx);
    s.width1 = s.width;
    s.width = Math.abs(s.sty - s.stx);
  }
  if (s.brackt) {
    s.stmin = Math.min(s.stx, s.sty);
    s.stmax = Math.max(s.stx, s.sty);
  } else {
    s.stmin = next + 1.1 * (next - s.stx);
    s.stmax = next + 4 * (next - s.stx);
  }
  next = Math.max(next, 0);
  next = Math.min(next, STPMAX);
  if ((s.brackt && (next <= s.stmin || next >= s.stmax)) || (s.brackt && s.stmax - s.stmin <= XTOL_LS * s.stmax)) next = s.stx;
  return ['FG', next];
}

/**
 * Minimise `fg` from `x0` (not modified).
 *
 * @example
 * const r = lbfgs((x, g) => { g[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; }, new Float64Array([0]));
 * r.x; // [3]
 */
export function lbfgs(fg: ObjectiveFn, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const maxIter = opts.maxIter ?? 15000;
  const maxFun = opts.maxFun ?? 15000;
  const m = opts.m ?? 10;
  const pgtol = opts.gtol ?? 1e-5;
  const tol = opts.ftol ?? 2.220446049250313e-9;
  const maxLs = opts.maxLs ?? 20;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fg(x, g);
  let nFev = 1;
  const S: Float64Array[] = [], Y: Float64Array[] = [], RHO: number[] = [];
  let theta = 1;
  const d = new Float64Array(n), t = new Float64Array(n), r = new Float64Array(n), z = new Float64Array(n);
  const alpha = new Float64Array(m);
  let iter = 0;
  if (maxIter <= 0) return { x, f, g, nIter: 0, nFev, converged: false, message: 'STOP: TOTAL NO. of ITERATIONS REACHED LIMIT' };
  if (infNorm(g) <= pgtol) return { x, f, g, nIter: 0, nFev, converged: true, message: 'CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL' };
  for (;;) {
    // search direction: d = -H g (two-loop recursion, H0 = I / theta)
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = RHO[j]! * dot(S[j]!, d);
      alpha[j] = a;
      const y = Y[j]!;
      for (let i = 0; i < n; i++) d[i]! -= a * y[i]!;
    }
    for (let i = 0; i < n; i++) d[i]! /= theta;
    for (let j = 0; j < k; j++) {
      const b = RHO[j]! * dot(Y[j]!, d);
      const s = S[j]!;
      const a = alpha[j]!;
      for (let i = 0; i < n; i++) d[i]! += s[i]! * (a - b);
    }
    // L-BFGS-B forms z = x + d, then d = z - x
    for (let i = 0; i < n; i++) { z[i] = x[i]! + d[i]!; d[i] = z[i]! - x[i]!; }
    // line search (lnsrlb)
    const dnorm = Math.sqrt(dot(d, d));
    let stp = iter === 0 && k === 0 ? Math.min(1 / dnorm, STPMAX) : 1;
    t.set(x); r.set(g);
    const fold = f;
    let gd = dot(g, d);
    const gdold = gd;
    let failed = gd >= 0;
    let ifun = 0;
    let ls: LsState | null = null;
    while (!failed) {
      if (ls === null) ls = dcsrchStart(f, gd, stp);
      else {
        const [task, next] = dcsrchStep(ls, f, gd, stp);
        if (task !== 'FG') break;
        stp = next;
      }
      if (ifun >= maxLs) { failed = true; break; }
      if (stp === 1) x.set(z);
      else for (let i = 0; i < n; i++) x[i] = stp * d[i]! + t[i]!;
      f = fg(x, g);
      nFev++;
      ifun++;
      gd = dot(g, d);
      if (!Number.isFinite(f)) { failed = true; break; }
    }
    if (failed) {
      x.set(t); g.set(r); f = fold;
      if (S.length === 0) return { x, f, g, nIter: iter, nFev, converged: false, message: 'ABNORMAL_TERMINATION_IN_LNSRCH' };
      S.length = 0; Y.length = 0; RHO.length = 0; theta = 1;
      continue;
    }
    iter++;
    const sbgnrm = infNorm(g);
    if (iter >= maxIter) return { x, f, g, nIter: iter, nFev, converged: false, message: 'STOP: TOTAL NO. of ITERATIONS REACHED LIMIT' };
    if (nFev > maxFun) return { x, f, g, nIter: iter, nFev, converged: false, message: 'STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT' };
    if (sbgnrm <= pgtol) return { x, f, g, nIter: iter, nFev, converged: true, message: 'CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL' };
    if (fold - f <= tol * Math.max(Math.abs(fold), Math.abs(f), 1)) return { x, f, g, nIter: iter, nFev, converged: true, message: 'CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH' };
    // curvature pair
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) yv[i] = g[i]! - r[i]!;
    const rr = dot(yv, yv);
    let dr: number, ddum: number;
    const sv = new Float64Array(n);
    if (stp === 1) { dr = gd - gdold; ddum = -gdold; sv.set(d); }
    else { dr = (gd - gdold) * stp; for (let i = 0; i < n; i++) sv[i] = stp * d[i]!; ddum = -gdold * stp; }
    if (dr <= EPS * ddum) continue;
    if (S.length === m) { S.shift(); Y.shift(); RHO.shift(); }
    S.push(sv); Y.push(yv); RHO.push(1 / dot(yv, sv));
    theta = rr / dr;
  }
}
