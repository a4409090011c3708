import { describe, expect, it } from 'vitest';
import { causeOf, isCauseName, Q850 } from './q850';

describe('Q.850 causes', () => {
  it('knows the dialer-relevant causes with their codes and classes', () => {
    expect(Q850.NORMAL_CLEARING).toMatchObject({ code: 16, outcome: 'normal' });
    expect(Q850.USER_BUSY).toMatchObject({ code: 17, outcome: 'busy' });
    expect(Q850.NO_ANSWER).toMatchObject({ code: 19, outcome: 'noAnswer' });
    expect(Q850.CALL_REJECTED).toMatchObject({ code: 21, outcome: 'rejected' });
    expect(Q850.UNALLOCATED_NUMBER).toMatchObject({ code: 1, outcome: 'invalid' });
    expect(Q850.NORMAL_TEMPORARY_FAILURE).toMatchObject({ code: 41, outcome: 'failed' });
    // FreeSWITCH-internal causes report 16: branch on the name.
    expect(Q850.INVALID_GATEWAY).toMatchObject({ code: 16, outcome: 'failed', internal: true });
  });

  it('keeps unknown causes as failures', () => {
    expect(causeOf('SOMETHING_NEW', 63)).toEqual({ name: 'SOMETHING_NEW', code: 63, outcome: 'failed' });
    expect(isCauseName('USER_BUSY')).toBe(true);
    expect(isCauseName('toString')).toBe(false);
  });
});
