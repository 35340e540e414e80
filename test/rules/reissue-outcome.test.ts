import { describe, expect, it } from 'vitest';
import { judgeReissue, type ListedCertificate, type ReissueSnapshot } from '../../src/rules/reissue-outcome.js';

const snapshot: ReissueSnapshot = { certificateId: '500', mainDomain: 'shop.example.com', orderDate: '2024-01-01', validFrom: '2025-12-12', validTo: '2026-12-12' };
const listed = (changes: Partial<ListedCertificate> = {}): ListedCertificate => ({ id: '500', mainDomain: 'shop.example.com', orderDate: '2024-01-01', validFrom: '2025-12-12', validTo: '2026-12-12', ...changes });
const other = { id: '501', mainDomain: 'mail.example.com', orderDate: '2024-02-01', validFrom: '2026-01-01', validTo: '2027-01-01' };

describe('judgeReissue: was an unanswered reissue applied?', () => {
  it('finds a certificate listed under its id with new dates reissued', () => {
    expect(judgeReissue(snapshot, [other, listed({ validFrom: '2026-11-23', validTo: '2027-06-11' })], '2026-11-23')).toEqual({ found: 'reissued', certificateId: '500' });
  });

  it('finds a certificate whose list says a reissue is under way reissued, under the id the reissue has (the new order on GlobalSign)', () => {
    expect(judgeReissue(snapshot, [other, listed({ pendingReissue: '500' })], '2026-11-23')).toEqual({ found: 'reissued', certificateId: '500' });
    expect(judgeReissue(snapshot, [other, listed({ pendingReissue: 'CE900000000001' })], '2026-11-23')).toEqual({ found: 'reissued', certificateId: 'CE900000000001' });
    expect(judgeReissue(snapshot, [other, listed({ pendingReissue: null })], '2026-11-23')).toEqual({ found: 'not-reissued' });
  });

  it('finds a certificate listed unchanged not reissued: it may be tried again', () => {
    expect(judgeReissue(snapshot, [other, listed()], '2026-11-23')).toEqual({ found: 'not-reissued' });
  });

  it('finds a GlobalSign-style successor: a new order id at the same order date, valid from the call on', () => {
    expect(judgeReissue(snapshot, [other, listed({ id: 'CE900000000001', validFrom: '2026-11-23', validTo: '2027-06-11' })], '2026-11-23')).toEqual({
      found: 'reissued',
      certificateId: 'CE900000000001',
    });
  });

  it('does not take an older order for the same domain as the successor', () => {
    const finding = judgeReissue(snapshot, [listed({ id: '777', validFrom: '2025-01-01' })], '2026-11-23');
    expect(finding.found).toBe('unknown');
  });

  it('cannot tell when the certificate is gone and two orders could have replaced it', () => {
    const finding = judgeReissue(snapshot, [listed({ id: 'A', validFrom: '2026-11-23' }), listed({ id: 'B', validFrom: '2026-11-24' })], '2026-11-23');
    expect(finding).toMatchObject({ found: 'unknown' });
    expect(finding.found === 'unknown' && finding.reason).toContain('2 orders');
  });

  it('cannot tell when the certificate is gone without a successor', () => {
    expect(judgeReissue(snapshot, [other], '2026-11-23')).toMatchObject({ found: 'unknown' });
  });
});
