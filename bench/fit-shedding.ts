/**
 * Fits one load-shedding setting on the load bench: runs the protected server once per candidate value (200
 * concurrent clients, the load bench's desktop mix) and picks the value that admits the most requests per second
 * from desktops honouring retry-after while /healthz p99 stays under 50 ms (issue 9) and admitted p99 stays within
 * the suggestion budget (SUGGESTION_BUDGET_MS, 1,500 ms: past it a desktop shows the offline answer anyway).
 * Prints every candidate's figures and the fit; the chosen value goes into the setting's default in src/config.ts.
 *
 * Run: FIT_VARIABLE=SHED_MAX_IN_FLIGHT FIT_VALUES=16,32,64,128,256 npx tsx bench/fit-shedding.ts
 * Other knobs: LOAD_SECONDS (10), LOAD_CLIENTS (200), LOAD_PORT (39892), FIT_MAX_ADMITTED_P99_MS (1500); other SHED_*
 * variables in the environment are held fixed for every candidate.
 */
import { pathToFileURL } from 'node:url';
import { scenario, summarize } from './load-bench.js';
import { formatMs } from './support.js';

const healthzTargetMs = 50;

export async function main(): Promise<void> {
  const variable = process.env.FIT_VARIABLE ?? 'SHED_MAX_IN_FLIGHT';
  const values = (process.env.FIT_VALUES ?? '16,32,64,128,256').split(',').map((value) => value.trim()).filter(Boolean);
  const clients = Number(process.env.LOAD_CLIENTS ?? 200);
  const seconds = Number(process.env.LOAD_SECONDS ?? 10);
  const port = Number(process.env.LOAD_PORT ?? 39_892);
  const maximumAdmittedP99 = Number(process.env.FIT_MAX_ADMITTED_P99_MS ?? 1_500);
  console.log(`== fit ${variable} over ${values.join(', ')} (${clients} clients, ${seconds} s each)`);
  const rows: { value: string; polite: ReturnType<typeof summarize>; autocannon: ReturnType<typeof summarize> }[] = [];
  for (const value of values) {
    const figures = await scenario(`${variable}=${value}`, { [variable]: value }, clients, seconds, port);
    rows.push({ value, polite: summarize(figures.polite), autocannon: summarize(figures.autocannon) });
  }
  console.log(`\n${variable} | polite: admitted/s, admitted p99, shed, /healthz p99 | autocannon: admitted/s, admitted p99, shed, /healthz p99`);
  for (const { value, polite, autocannon } of rows) {
    const cells = (figures: ReturnType<typeof summarize>) =>
      `${figures.admittedPerSecond.toFixed(0)}/s, ${formatMs(figures.admittedP99)}, ${(figures.shedShare * 100).toFixed(1)} %, ${formatMs(figures.healthzP99)}`;
    console.log(`${value} | ${cells(polite)} | ${cells(autocannon)}`);
  }
  const acceptable = rows.filter(
    ({ polite, autocannon }) => polite.healthzP99 < healthzTargetMs && autocannon.healthzP99 < healthzTargetMs && polite.admittedP99 <= maximumAdmittedP99,
  );
  const best = acceptable.sort((a, b) => b.polite.admittedPerSecond - a.polite.admittedPerSecond)[0];
  if (best) {
    console.log(`fit: ${variable}=${best.value} (most admitted requests per second with /healthz p99 < ${healthzTargetMs} ms and admitted p99 <= ${maximumAdmittedP99} ms)`);
  } else {
    const closest = [...rows].sort((a, b) => a.polite.admittedP99 - b.polite.admittedP99)[0];
    console.log(`fit: no candidate met /healthz p99 < ${healthzTargetMs} ms and admitted p99 <= ${maximumAdmittedP99} ms; lowest admitted p99: ${variable}=${closest?.value}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
