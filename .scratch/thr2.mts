function spin(ms: number) { const t = Date.now(); let s = 0; while (Date.now() - t < ms) s += Math.sqrt(s + 1); return s; }
const c0 = process.cpuUsage(); console.log(spin(1000)); const c = process.cpuUsage(c0); console.log('cpu', (c.user + c.system) / 1000);
