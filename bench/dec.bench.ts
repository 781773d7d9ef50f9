/**
 * Deep clustering on Fashion-MNIST: k-means on raw pixels, AE + k-means, DEC, IDEC.
 *
 * Protocol (DEC-keras, XifengGuo, for the anchors):
 * - data: Fashion-MNIST train + test = 70,000 images, pixels / 255, labels only for scoring;
 *   read with `readIdxMatrix` from Debian's `dataset-fashion-mnist`
 *   (`apt-get install dataset-fashion-mnist`; files in /usr/share/datasets/fashion-mnist).
 * - autoencoder 784-500-500-2000-10 (ReLU, linear code and output), MSE, batch 256, Adam
 *   (lr 1e-3) for DEC_PRETRAIN epochs (DEC-keras: 300 epochs of SGD lr 1, momentum 0.9 - too
 *   slow here, see below), no input noise; one autoencoder per seed, shared by AE + k-means,
 *   DEC and IDEC.
 * - k-means: KMeans(nClusters 10, nInit DEC_NINIT (20 in DEC-keras)) on raw pixels and on codes.
 * - DEC: SGD lr 0.01 momentum 0.9, batch 256, updateInterval 140, tol 0.001, maxIter
 *   DEC_MAXITER (DEC-keras 20,000), alpha 1. IDEC: the same with gamma 0.1.
 * - metrics: Hungarian-matched accuracy (clusteringAccuracy) and NMI (arithmetic), mean over
 *   seeds 0..DEC_SEEDS-1; wall time per stage.
 * Anchors (DEC-keras, mean of 10 trials): k-means 0.47 / 0.51, AE + k-means 0.61 / 0.64,
 * DEC 0.62 / 0.65 (N2D: 0.672 / 0.684).
 *
 * Environment (for reduced runs on a busy machine; defaults = the protocol above with 3 seeds):
 * DEC_N (rows: a seeded random subset when < 70000), DEC_SEEDS (3), DEC_PRETRAIN (50),
 * DEC_MAXITER (20000), DEC_MAXITER_IDEC (= DEC_MAXITER), DEC_NINIT (20), DEC_NINIT_RAW (= DEC_NINIT:
 * restarts of k-means on the raw pixels), DEC_SEED0 (0: first seed, to split seeds over processes),
 * DEC_DTYPE ('float32'), DEC_DEADLINE (an ISO time, e.g. 2026-12-05T21:35Z: pretraining stops
 * after the last epoch that is expected to end before it, estimated from the previous epoch's
 * time), DEC_SHARED_AE (1: pretrain one autoencoder with the first seed and reuse it for every
 * seed's k-means / DEC / IDEC, when the machine cannot afford one per seed), DEC_AE_SAVE (a path: write
 * the pretrained autoencoder there) and DEC_AE_LOAD (a path: wait for that file and use it instead of
 * pretraining), to run seeds in parallel processes on one shared autoencoder.
 * The table prints exactly what ran, including the pretraining epochs actually done.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadModel } from '../src/core/estimator.js';
import { KMeans } from '../src/cluster/kmeans.js';
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { AutoencoderFeatures, DeepClustering } from '../src/fusion/index.js';
import { readIdx, readIdxMatrix } from '../src/io/idx.js';
import { clusteringAccuracy } from '../src/metrics/assignment.js';
import { normalizedMutualInfoScore } from '../src/metrics/cluster.js';

const DIR = '/usr/share/datasets/fashion-mnist';
const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
if (!files.every((f) => existsSync(`${DIR}/${f}`))) {
  console.log(`\n### DEC on Fashion-MNIST: skipped\n\nFashion-MNIST not found in ${DIR}. Install it with \`sudo apt-get install dataset-fashion-mnist\` (Debian/Ubuntu) and rerun \`npm run bench dec\`.`);
  process.exit(0);
}
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const N = env('DEC_N', 70000), SEEDS = env('DEC_SEEDS', 3), PRE = env('DEC_PRETRAIN', 50), MAXITER = env('DEC_MAXITER', 20000), NINIT = env('DEC_NINIT', 20), SEED0 = env('DEC_SEED0', 0);
const MAXITER_IDEC = env('DEC_MAXITER_IDEC', MAXITER), NINIT_RAW = env('DEC_NINIT_RAW', NINIT), SHARED = env('DEC_SHARED_AE', 0) === 1;
const DTYPE = (process.env.DEC_DTYPE ?? 'float32') as 'float32' | 'float64';
const DEADLINE = process.env.DEC_DEADLINE ? Date.parse(process.env.DEC_DEADLINE) : Infinity;

const t0 = performance.now();
const Xtr = readIdxMatrix(`${DIR}/${files[0]}`, { scale: 1 / 255 });
const Xte = readIdxMatrix(`${DIR}/${files[2]}`, { scale: 1 / 255 });
const yAll = [...readIdx(`${DIR}/${files[1]}`).data, ...readIdx(`${DIR}/${files[3]}`).data];
let X = new Matrix(new Float64Array(70000 * 784), 70000, 784);
X.data.set(Xtr.data); X.data.set(Xte.data, Xtr.data.length);
let y = yAll;
if (N < 70000) {
  const idx = new RandomState(12345).permutation(70000).subarray(0, N);
  X = X.takeRows(idx);
  y = Array.from(idx, (i) => yAll[i]!);
}
console.log(`# loaded ${X.rows} x ${X.cols} in ${((performance.now() - t0) / 1000).toFixed(1)} s; seeds ${SEED0}..${SEED0 + SEEDS - 1}, pretrain <= ${PRE} epochs${DEADLINE < Infinity ? ` (deadline ${new Date(DEADLINE).toISOString()})` : ''}${SHARED ? ', one shared autoencoder' : ''}, ${DTYPE}, maxIter ${MAXITER} (IDEC ${MAXITER_IDEC}), nInit ${NINIT} (raw pixels ${NINIT_RAW})`);

type Row = { acc: number[]; nmi: number[]; sec: number[]; note: string };
const rows: Record<string, Row> = {};
const add = (name: string, labels: ArrayLike<number>, sec: number, note = '') => {
  const r = (rows[name] ??= { acc: [], nmi: [], sec: [], note });
  r.acc.push(clusteringAccuracy(y, Array.from(labels)));
  r.nmi.push(normalizedMutualInfoScore(y, Array.from(labels)));
  r.sec.push(sec);
  if (note) r.note = note;
  console.log(`#   ${name}: ACC ${r.acc.at(-1)!.toFixed(4)} NMI ${r.nmi.at(-1)!.toFixed(4)} (${sec.toFixed(0)} s) ${note}`);
};
const timed = <T>(f: () => T): [T, number] => { const t = performance.now(); const v = f(); return [v, (performance.now() - t) / 1000]; };

/** Stops pretraining when the next epoch (as long as the last one) would end after DEADLINE. */
const deadlineStop = () => {
  let t = performance.now();
  return {
    onEpochEnd(e: number, logs: Record<string, number>, model: { stopTraining: boolean }) {
      const now = performance.now(), dt = now - t;
      t = now;
      console.log(`#     epoch ${e + 1}: MSE ${logs.loss!.toFixed(5)} (${(dt / 1000).toFixed(0)} s)`);
      if (Date.now() + dt > DEADLINE) model.stopTraining = true;
    },
  };
};
let shared: { ae: AutoencoderFeatures; sec: number } | null = null;
const pretrain = (seed: number) => timed(() => new AutoencoderFeatures({ encoderSizes: [500, 500, 2000, 10], epochs: PRE, batchSize: 256, randomState: seed, dtype: DTYPE, callbacks: [deadlineStop()] }).fit(X));
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const anchors: Record<string, string> = { 'k-means (raw pixels)': '0.47 / 0.51', 'AE + k-means': '0.61 / 0.64', DEC: '0.62 / 0.65', 'IDEC (gamma 0.1)': '-' };
const table = (final: boolean) => {
  const nSeeds = Math.max(...Object.values(rows).map((r) => r.acc.length));
  console.log(`\n### DEC on Fashion-MNIST (${X.rows} images, ${nSeeds} seed(s) done${final ? '' : ' so far'}, ${DTYPE}, pretraining ${epochsUsed.join(', ')} epoch(s)${SHARED ? ' (one autoencoder shared by all seeds)' : ''}, maxIter ${MAXITER} (IDEC ${MAXITER_IDEC}), nInit ${NINIT} (raw pixels ${NINIT_RAW}))\n`);
  console.log('| method | ACC (mean) | NMI (mean) | ACC per seed | DEC-keras ACC / NMI | wall time per seed (s) | note |');
  console.log('|---|---:|---:|---|---:|---:|---|');
  for (const [name, r] of Object.entries(rows)) {
    console.log(`| ${name} | ${mean(r.acc).toFixed(4)} | ${mean(r.nmi).toFixed(4)} | ${r.acc.map((v) => v.toFixed(3)).join(', ')} | ${anchors[name]} | ${mean(r.sec).toFixed(0)} | ${r.note} |`);
  }
};
const epochsUsed: number[] = [];

for (let seed = SEED0; seed < SEED0 + SEEDS; seed++) {
  console.log(`# seed ${seed}`);
  let ae: AutoencoderFeatures, ta: number;
  if (SHARED && shared) ({ ae, sec: ta } = shared);
  else if (process.env.DEC_AE_LOAD) {
    const f = process.env.DEC_AE_LOAD;
    while (!existsSync(f)) await new Promise((r) => setTimeout(r, 10000));
    ae = loadModel(readFileSync(f, 'utf8')) as unknown as AutoencoderFeatures;
    ta = Number(JSON.parse(readFileSync(`${f}.sec`, 'utf8')));
    shared = { ae, sec: ta };
    epochsUsed.push(ae.lossCurve.length);
    console.log(`#   loaded the pretrained autoencoder from ${f}: ${ae.lossCurve.length} epochs, final MSE ${ae.lossCurve.at(-1)!.toFixed(5)}`);
  } else {
    [ae, ta] = pretrain(seed);
    epochsUsed.push(ae.lossCurve.length);
    if (SHARED) shared = { ae, sec: ta };
    if (process.env.DEC_AE_SAVE) {
      const f = process.env.DEC_AE_SAVE;
      writeFileSync(`${f}.sec`, String(ta));
      writeFileSync(`${f}.tmp`, JSON.stringify(ae.toJSON()));
      renameSync(`${f}.tmp`, f);
    }
    console.log(`#   pretraining: ${ae.lossCurve.length} epochs, ${ta.toFixed(0)} s, final MSE ${ae.lossCurve.at(-1)!.toFixed(5)}`);
  }
  // raw-pixel k-means after pretraining, so a process that saves the shared autoencoder starts it at once
  const [km, tk] = timed(() => new KMeans({ nClusters: 10, nInit: NINIT_RAW, randomState: seed }).fit(X));
  add('k-means (raw pixels)', km.labels, tk, `nInit ${NINIT_RAW}`);
  const pre = `pretrain ${ae.lossCurve.length} epochs${SHARED ? ' (shared AE)' : ''}`;
  const common = { nClusters: 10, autoencoder: ae, nInit: NINIT, batchSize: 256, updateInterval: 140, tol: 0.001, optimizer: 'sgd' as const, learningRate: 0.01, randomState: seed };
  const [dec, td] = timed(() => new DeepClustering({ ...common, maxIter: MAXITER, gamma: 0 }).fit(X));
  add('AE + k-means', dec.kmeansLabels, ta, pre);
  add('DEC', dec.labels, td, `${dec.nIter} iterations${dec.converged ? ' (tol)' : ''}, + pretraining`);
  const [idec, ti] = timed(() => new DeepClustering({ ...common, maxIter: MAXITER_IDEC, gamma: 0.1 }).fit(X));
  add('IDEC (gamma 0.1)', idec.labels, ti, `${idec.nIter} iterations${idec.converged ? ' (tol)' : ''}, + pretraining`);
  table(false);
}

table(true);
console.log(`\ntotal wall time ${((performance.now() - t0) / 1000).toFixed(0)} s (node ${process.version})`);
