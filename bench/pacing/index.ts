import { performance } from 'node:perf_hooks';
import { createPacer, createProgressivePacer, createRatioPacer, type Pacer } from '../../app/modules/dialing/pacing';
import { createClairvoyantPacer } from './clairvoyant';
import { scenarios } from './scenarios';
import { type Oracle, PACING_OPTIONS, type SimResult, simulate } from './sim';

// npm run bench:pacing — the predictive pacer against progressive and a fixed 2:1 ratio on
// simulated call centres (seeded: the same numbers every run). The last line is one JSON object.

const SCALE = Number(process.env.BENCH_SCALE) || 1;

const pacers: [string, (oracle: Oracle) => Pacer][] = [
  ['predictive', () => createPacer(PACING_OPTIONS)],
  ['progressive', () => createProgressivePacer(PACING_OPTIONS)],
  ['ratio-2', () => createRatioPacer(2, PACING_OPTIONS)],
  ['clairvoyant', (oracle) => createClairvoyantPacer(PACING_OPTIONS, oracle)],
];

const round = (n: number, digits: number) => Number(n.toFixed(digits));
const pct = (n: number) => `${(n * 100).toFixed(2)}%`.padStart(7);

const start = performance.now();
const rows: (SimResult & { pacer: string })[] = [];
for (const centre of scenarios(SCALE)) {
  for (const [name, make] of pacers) {
    const r = simulate(centre, make);
    rows.push({ ...r, pacer: name });
    console.log(
      `${centre.name.padEnd(26)} ${name.padEnd(12)} abandon ${pct(r.abandonRate)} worst hour ${pct(r.worstHourAbandonRate)}` +
        ` occupancy ${pct(r.occupancy)} connects/agent-h ${r.connectsPerAgentHour.toFixed(1).padStart(5)}` +
        ` idle ${r.idleWaitSec.toFixed(1).padStart(6)} s  dials ${r.dials}`,
    );
  }
}
console.log(`${rows.length} runs in ${((performance.now() - start) / 1000).toFixed(1)} s`);

console.log(
  JSON.stringify({
    bench: 'pacing',
    scenarios: rows.map((r) => ({
      name: r.name,
      pacer: r.pacer,
      abandonRate: round(r.abandonRate, 4),
      worstHourAbandonRate: round(r.worstHourAbandonRate, 4),
      occupancy: round(r.occupancy, 4),
      connectsPerAgentHour: round(r.connectsPerAgentHour, 2),
      idleWaitSec: round(r.idleWaitSec, 1),
    })),
  }),
);
