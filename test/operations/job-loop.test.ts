import { describe, expect, it } from 'vitest';
import { JobLoop, retryDelay } from '../../src/operations/job-loop.js';

interface Job {
  id: string;
  attempts: number;
}

/** An in-memory queue with the claim/fail semantics of a job table: a failed job waits out its delay before it is claimable. */
function queue(ids: string[]) {
  const waiting: { id: string; attempts: number; notBefore: number }[] = ids.map((id) => ({ id, attempts: 0, notBefore: 0 }));
  const done: string[] = [];
  const failedDelays: { id: string; delay: number }[] = [];
  return {
    waiting,
    done,
    failedDelays,
    async claim(): Promise<Job | undefined> {
      const index = waiting.findIndex((job) => job.notBefore <= Date.now());
      if (index < 0) return undefined;
      const [job] = waiting.splice(index, 1);
      job!.attempts += 1;
      return { id: job!.id, attempts: job!.attempts };
    },
    async fail(job: Job, _error: unknown, delay: number): Promise<void> {
      failedDelays.push({ id: job.id, delay });
      waiting.push({ id: job.id, attempts: job.attempts, notBefore: Date.now() + delay });
    },
  };
}

// A deadline, not a count of rounds: on a loaded machine a 2 ms timer can take far longer, and the retries' backoff
// timers with it (a count of 2,000 rounds ran out at 4.7 s under a full test run on two busy cores).
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
}

describe('JobLoop', () => {
  it('claims and runs every waiting job once, then stops claiming', async () => {
    const jobs = queue(['a', 'b', 'c']);
    let claims = 0;
    const loop = new JobLoop<Job>({
      claim: async () => {
        claims += 1;
        return jobs.claim();
      },
      run: async (job) => {
        jobs.done.push(job.id);
      },
      fail: jobs.fail,
      pollMilliseconds: 60_000,
    });
    loop.start();
    await loop.idle();
    expect(jobs.done).toEqual(['a', 'b', 'c']);
    // Three jobs and the empty claim that ended the drain.
    expect(claims).toBe(4);
    await loop.stop();
  });

  it('hands a failing job back with a growing delay and retries it until it succeeds; the other jobs still run', async () => {
    const jobs = queue(['flaky', 'steady']);
    const errors: unknown[] = [];
    const loop = new JobLoop<Job>({
      claim: jobs.claim,
      run: async (job) => {
        if (job.id === 'flaky' && job.attempts < 3) throw new Error(`attempt ${job.attempts} failed`);
        jobs.done.push(job.id);
      },
      fail: jobs.fail,
      attempts: (job) => job.attempts,
      backoff: { baseMilliseconds: 5, maximumMilliseconds: 1_000 },
      pollMilliseconds: 60_000,
      onError: (error) => errors.push(error),
    });
    loop.start();
    await until(() => jobs.done.length === 2);
    await loop.stop();
    expect(jobs.done).toEqual(['steady', 'flaky']);
    expect(jobs.failedDelays).toEqual([
      { id: 'flaky', delay: 5 },
      { id: 'flaky', delay: 10 },
    ]);
    expect(errors.map((error) => (error as Error).message)).toEqual(['attempt 1 failed', 'attempt 2 failed']);
  });

  it('never loses a job whose failure cannot even be recorded: the error is reported and the loop keeps going', async () => {
    const jobs = queue(['broken', 'next']);
    const errors: string[] = [];
    const loop = new JobLoop<Job>({
      claim: jobs.claim,
      run: async (job) => {
        if (job.id === 'broken') throw new Error('run failed');
        jobs.done.push(job.id);
      },
      fail: async () => {
        throw new Error('database away');
      },
      pollMilliseconds: 60_000,
      onError: (error) => errors.push((error as Error).message),
    });
    loop.start();
    await loop.idle();
    await loop.stop();
    expect(jobs.done).toEqual(['next']);
    expect(errors).toEqual(['run failed', 'database away']);
  });

  it('without a way to hand a job back, waits out the backoff and then claims it again', async () => {
    let failures = 0;
    let claims = 0;
    let finished = false;
    const loop = new JobLoop<string>({
      claim: async () => {
        claims += 1;
        return finished ? undefined : 'batch';
      },
      run: async () => {
        if (failures < 2) {
          failures += 1;
          throw new Error('write failed');
        }
        finished = true;
      },
      backoff: { baseMilliseconds: 5, maximumMilliseconds: 50 },
      pollMilliseconds: 60_000,
    });
    loop.start();
    // The first failure ends the drain (claiming at once would take the same batch in a tight loop).
    await loop.idle();
    expect(claims).toBe(1);
    await until(() => finished);
    await loop.idle();
    await loop.stop();
    expect(failures).toBe(2);
  });

  it('backs off when the claim itself fails, then resumes', async () => {
    const jobs = queue(['a']);
    let claimFailures = 0;
    const loop = new JobLoop<Job>({
      claim: async () => {
        if (claimFailures < 2) {
          claimFailures += 1;
          throw new Error('connection refused');
        }
        return jobs.claim();
      },
      run: async (job) => {
        jobs.done.push(job.id);
      },
      backoff: { baseMilliseconds: 5, maximumMilliseconds: 50 },
      pollMilliseconds: 60_000,
    });
    loop.start();
    await until(() => jobs.done.length === 1);
    await loop.stop();
    expect(claimFailures).toBe(2);
  });

  it('stops on close: the job in hand finishes, nothing more is claimed, and a wake after stop does nothing', async () => {
    const jobs = queue(['first', 'second', 'third']);
    let release: () => void = () => undefined;
    const started: string[] = [];
    const loop = new JobLoop<Job>({
      claim: jobs.claim,
      run: async (job) => {
        started.push(job.id);
        if (job.id === 'first') await new Promise<void>((resolve) => (release = resolve));
        jobs.done.push(job.id);
      },
      fail: jobs.fail,
      pollMilliseconds: 60_000,
    });
    loop.start();
    await until(() => started.length === 1);
    const stopped = loop.stop();
    release();
    await stopped;
    expect(jobs.done).toEqual(['first']);
    loop.wake();
    await loop.idle();
    expect(started).toEqual(['first']);
    expect(jobs.waiting.map((job) => job.id)).toEqual(['second', 'third']);
    expect(loop.running).toBe(false);
  });

  it('runs one more pass when woken during a drain, so work queued meanwhile is not left for the poll', async () => {
    const jobs = queue(['a']);
    const loop = new JobLoop<Job>({
      claim: jobs.claim,
      run: async (job) => {
        jobs.done.push(job.id);
        if (job.id === 'a') {
          // Queued after this drain's last claim would have looked: only the extra pass finds it.
          setTimeout(() => {
            jobs.waiting.push({ id: 'late', attempts: 0, notBefore: 0 });
            loop.wake();
          }, 0);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      },
      pollMilliseconds: 60_000,
    });
    loop.start();
    await until(() => jobs.done.includes('late'));
    await loop.stop();
  });
});

describe('retryDelay', () => {
  it('doubles per attempt from the base and never exceeds the maximum', () => {
    const backoff = { baseMilliseconds: 1_000, maximumMilliseconds: 5_000 };
    expect([1, 2, 3, 4, 10].map((attempt) => retryDelay(attempt, backoff))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
