import { InvalidParameterError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities, type SavedModel } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState, type RandomState } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { KMeans, checkNClusters } from '../cluster/kmeans.js';
import { alloc, allocLike, DTYPES, type Arr, type DType } from '../nn/dtype.js';
import { DEFAULT_DTYPE, Sequential } from '../nn/sequential.js';
import { AutoencoderFeatures } from './autoencoderFeatures.js';
import { ACTIVATIONS, buildAutoencoder, callbackList, intList, makeOptimizer, OPTIMIZERS, trainAutoencoder } from './_autoencoder.js';

const decSchema = {
  nClusters: p.int(10, { min: 1, doc: 'Number of clusters.' }),
  encoderSizes: intList([500, 500, 2000, 10], 'a non-empty array of integers >= 1', 'Encoder widths; the last is the embedding size (DEC: d-500-500-2000-10, decoder mirrored).'),
  activation: p.oneOf(ACTIVATIONS, 'relu', 'Hidden-layer activation (the embedding and reconstruction layers are linear).'),
  noise: p.num(0, { min: 0, doc: 'Gaussian input noise std during pretraining (denoising autoencoder).' }),
  pretrainEpochs: p.int(200, { min: 1, doc: 'Autoencoder pretraining epochs.' }),
  pretrainOptimizer: p.oneOf(OPTIMIZERS, 'adam'),
  pretrainLearningRate: p.num(0.001, { min: 0, minExclusive: true }),
  optimizer: p.oneOf(OPTIMIZERS, 'sgd', "Clustering-phase optimizer ('sgd' = SGD with momentum 0.9, as DEC-keras)."),
  learningRate: p.num(0.01, { min: 0, minExclusive: true }),
  batchSize: p.int(256, { min: 1 }),
  maxIter: p.int(20000, { min: 1, doc: 'Maximum clustering-phase batches (DEC-keras maxiter).' }),
  updateInterval: p.int(140, { min: 1, doc: 'Batches between refreshes of the target distribution P.' }),
  tol: p.num(0.001, { min: 0, doc: 'Stop when the fraction of labels that changed since the last refresh is below tol.' }),
  alpha: p.num(1, { min: 0, minExclusive: true, doc: 'Degrees of freedom of the Student-t kernel.' }),
  gamma: p.num(0, { min: 0, doc: 'Weight of the clustering loss against the kept reconstruction loss: 0 = DEC (decoder dropped), > 0 = IDEC (loss = gamma KL + MSE; IDEC uses 0.1).' }),
  nInit: p.int(20, { min: 1, doc: 'k-means restarts on the embedding.' }),
  autoencoder: p.custom<AutoencoderFeatures | null>(null, 'null or a fitted AutoencoderFeatures', (v) => v === null || v instanceof AutoencoderFeatures,
    'Start from this pretrained autoencoder (its net is copied, not modified) instead of pretraining; encoderSizes, activation, noise and pretrain* are then unused.'),
  dtype: p.oneOf(DTYPES as readonly DType[], DEFAULT_DTYPE, "Precision of the autoencoder's weights, gradients, optimizer state and of the cluster centres while training (a given `autoencoder` keeps its own)."),
  callbacks: callbackList,
  randomState: p.randomState(),
  verbose: p.bool(false),
};
export type DeepClusteringParams = ParamsOf<typeof decSchema>;

/** One refresh of the target distribution. */
export interface DecHistoryEntry {
  /** Clustering-phase batches done before this refresh. */
  iteration: number;
  /** Fraction of rows whose label changed since the previous refresh. */
  deltaLabel: number;
  /** KL(P_previous || Q) on all rows before P is refreshed: the objective the last interval minimised (null at the first refresh). */
  klBefore: number | null;
  /** KL(P || Q) on all rows with the refreshed P. */
  kl: number;
  /** Mean batch loss over the interval that follows (gamma KL + MSE for IDEC). */
  loss: number | null;
}

export interface DeepClusteringState {
  /** Autoencoder; layers [0, nEncoder) are the encoder (fine-tuned), the decoder is fine-tuned only with IDEC. */
  net: Sequential;
  nEncoder: number;
  nFeatures: number;
  /** nClusters x embedding size. */
  clusterCenters: Matrix;
  /** Cluster of each training row (argmax of Q at the last refresh). */
  labels: Int32Array;
  /** Labels of k-means on the pretrained embedding (the "AE + k-means" baseline). */
  kmeansLabels: Int32Array;
  pretrainLoss: number[];
  history: DecHistoryEntry[];
  /** Clustering-phase batches done. */
  nIter: number;
  /** Stopped by the tol rule. */
  converged: boolean;
}

/**
 * Deep Embedded Clustering (Xie et al. 2016), following DEC-keras (XifengGuo): pretrain a dense
 * autoencoder on X, run k-means (`nInit` restarts) on the codes, then train the encoder and the
 * cluster centres to minimise KL(P || Q) where Q is the Student-t soft assignment
 * `q_ij ∝ (1 + |z_i - mu_j|^2 / alpha)^-(alpha+1)/2` and P the sharpened target
 * `p_ij ∝ q_ij^2 / sum_i q_ij`, refreshed every `updateInterval` batches; batches are taken in
 * order (no shuffling, as DEC-keras); training stops when fewer than `tol` of the labels change
 * between refreshes or after `maxIter` batches. `gamma > 0` keeps the decoder and adds the
 * reconstruction loss (IDEC, Guo et al. 2017).
 *
 * @example
 * const dec = new DeepClustering({ nClusters: 10, encoderSizes: [64, 10], pretrainEpochs: 30, maxIter: 2000, randomState: 0 });
 * const labels = dec.fit(Xscaled).labels;
 * dec.predictProba(Xscaled);  // n x 10 soft assignments
 * dec.transform(Xscaled);     // n x 10 embedding
 */
export class DeepClustering extends Estimator<typeof decSchema, DeepClusteringState> {
  static override readonly kind = 'DeepClustering';
  static override readonly schema = decSchema;
  static override readonly capabilities: Capabilities = { type: 'clusterer', supervised: false, stochastic: true, allowNaN: false };
  constructor(params: Partial<DeepClusteringParams> = {}) { super(params); }

  fit(X: MatrixLike): this {
    const ps = this.params;
    const owner = this.kind;
    const m = checkArray(X, { owner, minRows: 2 });
    checkNClusters(ps.nClusters, m.rows, owner);
    const n = m.rows, d = m.cols, k = ps.nClusters;
    const rng = checkRandomState(ps.randomState, 'randomState', owner);
    let net: Sequential, nEncoder: number, pretrainLoss: number[];
    if (ps.autoencoder) {
      const ae = ps.autoencoder;
      if (!ae.isFitted) throw new InvalidParameterError('autoencoder', 'a fitted AutoencoderFeatures', 'an unfitted one', owner);
      const width = ae.network.layers[0]!.inputDim;
      if (width !== d) throw new ShapeError('autoencoder', `a net with ${d} inputs (the columns of X)`, `a net with ${width} inputs`, owner);
      net = Sequential.fromJSON(ae.network.toJSON());
      nEncoder = ae.nEncoderLayers;
      pretrainLoss = ae.lossCurve.slice();
    } else {
      ({ net, nEncoder } = buildAutoencoder(d, { encoderSizes: ps.encoderSizes, activation: ps.activation, latentActivation: 'linear', outputActivation: 'linear', l2: 0, dtype: ps.dtype }));
      net.build(d, rng);
      pretrainLoss = trainAutoencoder(net, m, { optimizer: ps.pretrainOptimizer, learningRate: ps.pretrainLearningRate, epochs: ps.pretrainEpochs, batchSize: ps.batchSize, noise: ps.noise, callbacks: ps.callbacks, verbose: ps.verbose }, rng).history.loss!;
    }
    const dz = net.layers[nEncoder - 1]!.outputDim;
    const codes = net.predictUpTo(m, nEncoder);
    const km = new KMeans({ nClusters: k, nInit: ps.nInit, randomState: rng }).fit(codes);
    const mu = alloc(net.dtype, k * dz);
    mu.set(km.clusterCenters.data);
    const kmeansLabels = km.labels.slice();
    const r = decLoop(net, nEncoder, m, mu, k, dz, kmeansLabels, ps, rng);
    this._state = { net, nEncoder, nFeatures: d, clusterCenters: new Matrix(Float64Array.from(mu), k, dz), labels: r.labels, kmeansLabels, pretrainLoss, history: r.history, nIter: r.nIter, converged: r.converged };
    return this;
  }

  fitPredict(X: MatrixLike): Int32Array { return this.fit(X).labels; }

  /** Saved without the `autoencoder` parameter (only fit reads it; the fitted net is in the state). */
  override toJSON(): SavedModel {
    const j = super.toJSON();
    return { ...j, params: { ...(j.params as Record<string, unknown>), autoencoder: null } };
  }

  protected override encodeState(s: DeepClusteringState): unknown { return { ...s, net: s.net.toJSON(), clusterCenters: { data: Array.from(s.clusterCenters.data), rows: s.clusterCenters.rows, cols: s.clusterCenters.cols }, labels: Array.from(s.labels), kmeansLabels: Array.from(s.kmeansLabels) }; }
  protected override decodeState(json: unknown): DeepClusteringState {
    const j = json as Record<string, unknown> & { clusterCenters: { data: number[]; rows: number; cols: number }; labels: number[]; kmeansLabels: number[] };
    return { ...j, net: Sequential.fromJSON(j.net as Record<string, unknown>), clusterCenters: new Matrix(Float64Array.from(j.clusterCenters.data), j.clusterCenters.rows, j.clusterCenters.cols), labels: Int32Array.from(j.labels), kmeansLabels: Int32Array.from(j.kmeansLabels) } as DeepClusteringState;
  }

  /** Embedding (n x code size) from the fine-tuned encoder. */
  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return s.net.predictUpTo(checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }), s.nEncoder);
  }

  /** Soft assignments Q (n x nClusters, rows sum to 1). */
  predictProba(X: MatrixLike): Matrix {
    const s = this.fitted;
    const Z = this.transform(X);
    const Q = new Float64Array(Z.rows * s.clusterCenters.rows);
    softAssign(Z.data, Z.rows, Z.cols, s.clusterCenters.data, s.clusterCenters.rows, this.params.alpha, Q);
    return new Matrix(Q, Z.rows, s.clusterCenters.rows);
  }

  /** Hard assignments argmax_j q_ij. */
  predict(X: MatrixLike): Int32Array {
    const Q = this.predictProba(X);
    return argmaxRows(Q.data, Q.rows, Q.cols);
  }

  get labels(): Int32Array { return this.fitted.labels; }
  get clusterCenters(): Matrix { return this.fitted.clusterCenters; }
  /** k-means labels on the pretrained embedding (before the KL phase). */
  get kmeansLabels(): Int32Array { return this.fitted.kmeansLabels; }
  get history(): DecHistoryEntry[] { return this.fitted.history; }
  get pretrainLoss(): number[] { return this.fitted.pretrainLoss; }
  get nIter(): number { return this.fitted.nIter; }
  get converged(): boolean { return this.fitted.converged; }
  get network(): Sequential { return this.fitted.net; }
}
registerEstimator(DeepClustering);

export function deepClustering(params: Partial<DeepClusteringParams> = {}): DeepClustering {
  return new DeepClustering(params);
}

// ---------------------------------------------------------------------------------------------
// The clustering layer: soft assignment, target distribution, KL and its gradients.

/** Student-t soft assignment of n codes Z (n x dz) to k centres: Q (n x k), rows normalised. */
export function softAssign(Z: ArrayLike<number>, n: number, dz: number, mu: ArrayLike<number>, k: number, alpha: number, Q: Float64Array): void {
  const e = (alpha + 1) / 2;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      let dist = 0;
      for (let f = 0; f < dz; f++) { const t = Z[i * dz + f]! - mu[j * dz + f]!; dist += t * t; }
      let w = 1 / (1 + dist / alpha);
      if (e !== 1) w = w ** e;
      Q[i * k + j] = w;
      s += w;
    }
    for (let j = 0; j < k; j++) Q[i * k + j]! /= s;
  }
}

/** DEC target distribution: p_ij = (q_ij^2 / f_j) / sum_j' (q_ij'^2 / f_j'), f_j = sum_i q_ij. */
export function targetDistribution(Q: Float64Array, n: number, k: number): Float64Array {
  const f = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) f[j]! += Q[i * k + j]!;
  const P = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) { const w = Q[i * k + j]! ** 2 / f[j]!; P[i * k + j] = w; s += w; }
    for (let j = 0; j < k; j++) P[i * k + j]! /= s;
  }
  return P;
}

/** Mean over rows of KL(P_i || Q_i) (Keras 'kld' with terms p = 0 dropped). */
export function klDivergence(P: ArrayLike<number>, Q: ArrayLike<number>, n: number, k: number): number {
  let s = 0;
  for (let t = 0; t < n * k; t++) { const pv = P[t]!; if (pv > 0) s += pv * Math.log(pv / Q[t]!); }
  return s / n;
}

/**
 * Mean batch KL(P || Q) and, scaled by `weight`, its gradients: w.r.t. the codes into gZ
 * (n x dz, overwritten) and w.r.t. the centres added into gMu (k x dz). With
 * w_ij = 1 / (1 + d_ij / alpha): dL/dz_i = c/n sum_j (p_ij - q_ij) w_ij (z_i - mu_j) and
 * dL/dmu_j = -c/n sum_i (p_ij - q_ij) w_ij (z_i - mu_j), c = (alpha + 1) / alpha.
 */
export function klGrad(Z: Arr, P: Float64Array, n: number, dz: number, mu: Arr, k: number, alpha: number, weight: number, gZ: Arr, gMu: Arr, Q: Float64Array): number {
  softAssign(Z, n, dz, mu, k, alpha, Q);
  const c = (weight * (alpha + 1)) / alpha / n;
  gZ.fill(0, 0, n * dz);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const pv = P[i * k + j]!, qv = Q[i * k + j]!;
      if (pv > 0) loss += pv * Math.log(pv / qv);
      let dist = 0;
      for (let f = 0; f < dz; f++) { const t = Z[i * dz + f]! - mu[j * dz + f]!; dist += t * t; }
      const coef = (c * (pv - qv)) / (1 + dist / alpha);
      for (let f = 0; f < dz; f++) {
        const t = coef * (Z[i * dz + f]! - mu[j * dz + f]!);
        gZ[i * dz + f]! += t;
        gMu[j * dz + f]! -= t;
      }
    }
  }
  return loss / n;
}

function argmaxRows(Q: Float64Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let j = 1; j < k; j++) if (Q[i * k + j]! > Q[i * k + b]!) b = j;
    out[i] = b;
  }
  return out;
}

function decLoop(net: Sequential, nEncoder: number, m: Matrix, mu: Arr, k: number, dz: number, initLabels: Int32Array, ps: Readonly<DeepClusteringParams>, rng: RandomState) {
  const n = m.rows, d = m.cols;
  const idec = ps.gamma > 0;
  const nLayers = net.layers.length;
  const trainLayers = idec ? net.layers : net.layers.slice(0, nEncoder);
  const params = trainLayers.flatMap((l) => l.params());
  const grads = trainLayers.flatMap((l) => l.grads());
  const opt = makeOptimizer(ps.optimizer, ps.learningRate);
  const muOpt = makeOptimizer(ps.optimizer, ps.learningRate); // per-parameter updates: same as one optimizer over both
  // net-precision buffers (the centres and their optimizer state too); P and Q stay float64
  const gMu = allocLike(mu, k * dz);
  const bs = Math.min(ps.batchSize, n);
  const xb = alloc(net.dtype, bs * d);
  const gZ = alloc(net.dtype, bs * dz);
  const Qb = new Float64Array(bs * k);
  const gOut = alloc(net.dtype, bs * d);
  const Pb = new Float64Array(bs * k);
  const Qall = new Float64Array(n * k);
  let P: Float64Array = new Float64Array(0);
  let last = initLabels;
  let labels = initLabels;
  const history: DecHistoryEntry[] = [];
  let index = 0;
  let lossSum = 0, lossCount = 0;
  let converged = false;
  let ite = 0;
  const refresh = (): boolean => {
    const Z = net.predictUpTo(m, nEncoder);
    softAssign(Z.data, n, dz, mu, k, ps.alpha, Qall);
    const klBefore = P.length ? klDivergence(P, Qall, n, k) : null;
    if (history.length) history[history.length - 1]!.loss = lossCount ? lossSum / lossCount : null;
    lossSum = 0; lossCount = 0;
    P = targetDistribution(Qall, n, k);
    labels = argmaxRows(Qall, n, k);
    let changed = 0;
    for (let i = 0; i < n; i++) if (labels[i] !== last[i]) changed++;
    const deltaLabel = changed / n;
    last = labels;
    history.push({ iteration: ite, deltaLabel, klBefore, kl: klDivergence(P, Qall, n, k), loss: null });
    if (ps.verbose) console.error(`DeepClustering: iteration ${ite}, delta labels ${deltaLabel.toFixed(5)}, KL ${history[history.length - 1]!.kl.toExponential(4)}`);
    return ite > 0 && deltaLabel < ps.tol;
  };
  for (ite = 0; ite < ps.maxIter; ite++) {
    if (ite % ps.updateInterval === 0 && refresh()) { converged = true; break; }
    const s = index * bs;
    const nb = Math.min(bs, n - s);
    xb.set(m.data.subarray(s * d, (s + nb) * d));
    for (let r = 0; r < nb; r++) Pb.set(P.subarray((s + r) * k, (s + r + 1) * k), r * k);
    const x = xb.subarray(0, nb * d);
    const z = net.forwardLayers(x, nb, { from: 0, to: nEncoder, training: true, randomState: rng });
    gMu.fill(0);
    const gz = gZ.subarray(0, nb * dz);
    let loss = klGrad(z, Pb, nb, dz, mu, k, ps.alpha, idec ? ps.gamma : 1, gz, gMu, Qb);
    if (idec) {
      loss *= ps.gamma;
      const out = net.forwardLayers(z, nb, { from: nEncoder, to: nLayers, training: true, randomState: rng });
      const go = gOut.subarray(0, nb * d);
      let mse = 0;
      for (let t = 0; t < nb * d; t++) { const e = out[t]! - x[t]!; mse += e * e; go[t] = (2 * e) / (nb * d); }
      loss += mse / (nb * d);
      const gDec = net.backwardLayers(go, nb, { from: nEncoder, to: nLayers });
      for (let t = 0; t < nb * dz; t++) gz[t]! += gDec[t]!;
    }
    net.backwardLayers(gz, nb, { from: 0, to: nEncoder, inputGrad: false });
    opt.step(params, grads);
    muOpt.step([mu], [gMu]);
    lossSum += loss; lossCount++;
    // DEC-keras: `index + 1 if (index + 1) * bs <= n else 0`, which gives an empty batch when bs divides n
    index = (index + 1) * bs < n ? index + 1 : 0;
  }
  if (!converged) {
    // final labels from the trained model, as DEC-keras' predict after the loop
    const Z = net.predictUpTo(m, nEncoder);
    softAssign(Z.data, n, dz, mu, k, ps.alpha, Qall);
    if (history.length) history[history.length - 1]!.loss = lossCount ? lossSum / lossCount : null;
    labels = argmaxRows(Qall, n, k);
  }
  if (!Number.isFinite(mu[0]!)) throw new InvalidParameterError('learningRate', 'a rate small enough for finite cluster centres', ps.learningRate, 'DeepClustering');
  return { labels, history, nIter: ite, converged };
}
