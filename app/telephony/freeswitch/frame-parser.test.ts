import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEventFrame, parseEvent } from './event';
import { type EslFrame, EslFrameError, EslFrameParser } from './frame-parser';
import { inChunks, loadRecording, recordingNames } from './testing';

/** Feeds the recorded reads one by one, as the socket returned them. */
function parseReads(chunks: Buffer[]) {
  const parser = new EslFrameParser();
  const perRead = chunks.map((chunk) => ({ frames: parser.push(chunk), leftover: parser.buffered }));
  return { frames: perRead.flatMap((r) => r.frames), perRead, rest: parser.buffered };
}

const events = (frames: EslFrame[]) => frames.filter(isEventFrame).map(parseEvent);

describe('ESL frame parser on the recorded sessions', () => {
  it.each(recordingNames())('%s: every read parses, nothing is left over at the end', (name) => {
    const { frames, rest } = parseReads(inChunks(loadRecording(name)));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]?.headers['Content-Type']).toBe('auth/request');
    expect(rest).toBe(0);
    // Every body is exactly Content-Length bytes, and every event body is a readable event.
    for (const f of frames) {
      if (f.headers['Content-Length'] !== undefined)
        expect(Buffer.byteLength(f.body ?? '')).toBe(Number(f.headers['Content-Length']));
    }
    expect(() => events(frames)).not.toThrow();
  });

  it('auth, subscription, and "+OK bye" with the disconnect notice in one read', () => {
    const { frames, perRead } = parseReads(inChunks(loadRecording('esl-auth-and-subscribe.jsonl')));
    expect(frames.map((f) => f.headers['Reply-Text'] ?? f.headers['Content-Type'])).toEqual([
      'auth/request',
      '+OK accepted',
      '+OK event listener enabled json',
      '+OK bye',
      'text/disconnect-notice',
    ]);
    expect(perRead.at(-1)?.frames).toHaveLength(2);
    expect(frames.at(-1)?.body).toBe('Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n');
  });

  it('a wrong password: "-ERR invalid" and the disconnect notice in one read', () => {
    const { perRead } = parseReads(inChunks(loadRecording('esl-auth-bad-password.jsonl')));
    const last = perRead.at(-1)?.frames ?? [];
    expect(last.map((f) => f.headers['Reply-Text'] ?? f.headers['Content-Type'])).toEqual([
      '-ERR invalid',
      'text/disconnect-notice',
    ]);
  });

  it('the burst: 303 frames in 55 reads, 27 reads with several frames, 11 ending mid-frame', () => {
    const { frames, perRead } = parseReads(inChunks(loadRecording('esl-many-events-burst.jsonl')));
    expect(perRead).toHaveLength(55);
    expect(frames).toHaveLength(303);
    expect(perRead.filter((r) => r.frames.length > 1)).toHaveLength(27);
    expect(perRead.filter((r) => r.leftover > 0)).toHaveLength(11);
    const count = (name: string) => events(frames).filter((e) => e.name === name).length;
    expect([count('CHANNEL_CREATE'), count('CHANNEL_ANSWER'), count('BACKGROUND_JOB')]).toEqual([40, 40, 40]);
    expect([count('CHANNEL_EXECUTE_COMPLETE'), count('CHANNEL_HANGUP_COMPLETE')]).toEqual([100, 40]);
  });

  it('reads that end mid-frame in the invalid-number and bridge sessions are continued by the next read', () => {
    for (const name of ['esl-originate-invalid.jsonl', 'esl-bridge.jsonl']) {
      const { perRead, rest } = parseReads(inChunks(loadRecording(name)));
      expect(perRead.some((r) => r.leftover > 0)).toBe(true);
      expect(rest).toBe(0);
    }
  });

  it('BACKGROUND_JOB: the JSON body under _body and the plain nested body give the same result', () => {
    const json = events(parseReads(inChunks(loadRecording('esl-originate-answered-json.jsonl'))).frames).find(
      (e) => e.name === 'BACKGROUND_JOB',
    );
    const plain = events(parseReads(inChunks(loadRecording('esl-originate-answered-plain.jsonl'))).frames).find(
      (e) => e.name === 'BACKGROUND_JOB',
    );
    expect(json?.body).toBe('+OK ca11ab1e-0002-4000-8000-000000000001\n');
    expect(json?.headers['Job-UUID']).toBe('feedf00d-0002-4000-8000-000000000001');
    expect(plain?.body).toBe('+OK ca11ab1e-0003-4000-8000-000000000001\n');
    expect(plain?.headers['Job-UUID']).toBe('feedf00d-0003-4000-8000-000000000001');
    // Plain values are URL-decoded.
    expect(plain?.headers['Event-Date-Local']).toMatch(/^2026-11-24 14:\d\d:\d\d$/);
    expect(plain?.headers['Job-Command-Arg']).toContain('{origination_uuid=ca11ab1e-0003-4000-8000-000000000001,');
  });

  it('api responses keep their exact bodies (uuid_exists has no newline)', () => {
    const { frames } = parseReads(inChunks(loadRecording('esl-api-commands.jsonl')));
    const bodies = frames.filter((f) => f.headers['Content-Type'] === 'api/response').map((f) => f.body);
    expect(bodies).toContain('true');
    expect(bodies).toContain('false');
    expect(bodies).toContain('-ERR No such channel!\n');
    expect(bodies).toContain('-ERR no_such_command Command not found!\n');
  });

  it('a corrupted Content-Length is a clear error', () => {
    const chunk = inChunks(loadRecording('esl-auth-and-subscribe.jsonl'))
      .at(-1)!
      .toString()
      .replace('Content-Length: 67', 'Content-Length: x67');
    expect(() => new EslFrameParser().push(chunk)).toThrow(EslFrameError);
    expect(() => new EslFrameParser().push(chunk)).toThrow(/bad Content-Length "x67"/);
  });
});

describe('ESL frame parser: chunk boundaries do not matter', () => {
  const cases = [
    'esl-originate-answered-plain.jsonl',
    'esl-originate-invalid.jsonl',
    'esl-bridge.jsonl',
    'esl-many-events-burst.jsonl',
  ];
  it.each(cases)('%s re-cut at random byte positions gives the same frames', (name) => {
    const chunks = inChunks(loadRecording(name));
    const expected = parseReads(chunks).frames;
    const stream = Buffer.concat(chunks);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 120 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const parts = points.slice(1).map((end, i) => stream.subarray(points[i], end));
        expect(parseReads(parts).frames).toEqual(expected);
      }),
      { numRuns: name.includes('burst') ? 15 : 60 },
    );
  });

  it('one byte at a time', () => {
    const chunks = inChunks(loadRecording('esl-play-and-get-digits.jsonl'));
    const stream = Buffer.concat(chunks);
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(parseReads(bytes).frames).toEqual(parseReads(chunks).frames);
  });
});
