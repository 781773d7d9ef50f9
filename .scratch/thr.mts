import { registerKernel, runTasks } from '../src/linalg/threads.js';
function spin(ms: number, out: Float64Array, i: number) { const t = Date.now(); let s = 0; while (Date.now() - t < ms) s += Math.sqrt(s + 1); out[i] = s; }
registerKernel('spin', spin as any);
const out = new Float64Array(new SharedArrayBuffer(16));
for (let r = 0; r < 3; r++) {
  const t = performance.now(); const c0 = process.cpuUsage();
  runTasks([{ fn: 'spin', args: [1000, out, 0] }, { fn: 'spin', args: [1000, out, 1] }]);
  const c = process.cpuUsage(c0);
  console.log(out[0], out[1], "wall", (performance.now() - t).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0));
}
