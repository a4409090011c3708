/**
 * `npm run bench:esl`: how fast the ESL frame parser and event decoder read real traffic — the
 * recorded 20-call burst (303 frames, 766 KB), in its recorded reads and in 1 KiB reads.
 * Last line: one JSON object.
 */
import { performance } from 'node:perf_hooks';
import { isEventFrame, parseEvent } from '../app/telephony/freeswitch/event';
import { EslFrameParser } from '../app/telephony/freeswitch/frame-parser';
import { inChunks, loadRecording } from '../app/telephony/freeswitch/testing';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const recorded = inChunks(loadRecording('esl-many-events-burst.jsonl'));
const stream = Buffer.concat(recorded);
const small: Buffer[] = [];
for (let i = 0; i < stream.length; i += 1024) small.push(stream.subarray(i, i + 1024));

function run(chunks: Buffer[]) {
  let frames = 0;
  let events = 0;
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    const parser = new EslFrameParser();
    for (const chunk of chunks) {
      for (const frame of parser.push(chunk)) {
        frames++;
        if (isEventFrame(frame)) {
          parseEvent(frame);
          events++;
        }
      }
    }
  }
  const sec = (performance.now() - start) / 1000;
  return {
    framesPerSec: Math.round(frames / sec),
    eventsPerSec: Math.round(events / sec),
    mbPerSec: (stream.length * ROUNDS) / 1e6 / sec,
  };
}

run(recorded); // warm-up
const asRecorded = run(recorded);
const kib = run(small);
const round = (n: number) => Math.round(n * 10) / 10;
console.log(`burst: ${stream.length} bytes, ${recorded.length} reads, ${ROUNDS} rounds`);
console.log(
  JSON.stringify({
    framesPerSec: asRecorded.framesPerSec,
    eventsPerSec: asRecorded.eventsPerSec,
    mbPerSec: round(asRecorded.mbPerSec),
    framesPerSec1KiBReads: kib.framesPerSec,
    mbPerSec1KiBReads: round(kib.mbPerSec),
  }),
);
