/**
 * One deepmine HistGradientBoostingClassifier fit of `npm run bench hgb` in a process of its own
 * (cold, as each Python peer): `node --import tsx bench/hgb-child.ts DIR N NT D ITER [ab]` reads
 * DIR/{Xtr,ytr,Xte,yte}.bin, fits, and prints one JSON line: fit wall and CPU time, predict time on
 * the training rows, test AUC, peak RSS (sampled every 50 ms during the fit) and the RSS before.
 * `ab` = 'ts' / 'team': the A/B fit of the bench's HGB_AB (TypeScript kernels / no fit team) also
 * runs, with whether its test predictions are bit-identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matrix } from '../src/core/matrix.js';
import { HistGradientBoostingClassifier } from '../src/ensemble/index.js';
import { rocAucScore } from '../src/metrics/ranking.js';
import { linalgThreads } from '../src/linalg/threads.js';
import { hgbTeamTuning, hgbWasmSwitch } from '../src/ensemble/histWasm.js';

const [dir, nS, ntS, dS, iterS, abMode] = process.argv.slice(2) as [string, string, string, string, string, string | undefined];
const N = Number(nS), NT = Number(ntS), D = Number(dS), ITER = Number(iterS);
const load = (name: string): Float64Array => {
  const b = readFileSync(join(dir, name));
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
};
const Xtr = new Matrix(Float64Array.from(load('Xtr.bin')), N, D);
const ytr = load('ytr.bin');
const Xte = new Matrix(Float64Array.from(load('Xte.bin')), NT, D);
const yte = Array.from(load('yte.bin'));
const fit = () => new HistGradientBoostingClassifier({ maxIter: ITER, maxLeafNodes: 31, maxBins: 255, earlyStopping: false, randomState: 0 }).fit(Xtr, ytr);
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const clf = fit();
const fitMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sampler);
const proba = clf.predictProba(Xte);
const auc = rocAucScore(yte, Array.from({ length: NT }, (_, i) => proba.data[2 * i + 1]!)) as number;
const t1 = performance.now();
clf.predictProba(Xtr);
const predictMs = performance.now() - t1;
let ab: { ms: number; cpuMs: number; same: boolean } | null = null;
if (abMode === 'ts' || abMode === 'team') {
  if (abMode === 'ts') hgbWasmSwitch.on = false;
  else hgbTeamTuning.on = false;
  const c0 = process.cpuUsage();
  const t2 = performance.now();
  const other = fit();
  const ms = performance.now() - t2;
  const c = process.cpuUsage(c0);
  const p2 = other.predictProba(Xte);
  ab = { ms, cpuMs: (c.user + c.system) / 1000, same: p2.data.every((v, i) => Object.is(v, proba.data[i])) };
}
console.log(JSON.stringify({ fitMs, fitCpuMs: (cpu.user + cpu.system) / 1000, predictMs, auc, peak, rssBefore, threads: linalgThreads(), ab }));
process.exit(0);
