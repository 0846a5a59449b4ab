import { describe, expect, it } from 'vitest';
import { maskSummary } from '../../src/summaries/mask-summary.js';
import type { Summary } from '../../src/summaries/summary-schema.js';

describe('maskSummary', () => {
  it('masks the free text and keeps ids, dates and codes exact', () => {
    const summary: Summary = {
      reason: '客户来电更新手机号13812345678',
      customerIntent: 'update phone to 13812345678',
      productsDiscussed: [{ name: '白金信用卡', turnIds: ['13900000000'] }],
      actionsTaken: [{ text: '已将联系电话改为13812345678', turnIds: ['t1'] }],
      resolution: 'resolved',
      followUps: [{ action: '发短信到13812345678确认', owner: 'agent', due: '2026-12-08', turnIds: ['t2'] }],
      commitments: [{ text: 'email zhang@example.com by Friday', turnIds: ['t3'] }],
      complaint: { raised: false },
      sentiment: { start: 'neutral', end: 'positive' },
      compliance: { findings: [{ ruleId: 'CN-PRIV-004', severity: 'major', title: '通话中敏感信息须脱敏', turnId: 't4', evidence: '6222021234567894' }], missingDisclosures: [] },
      evidence: { reason: ['t1'], customerIntent: [], resolution: [], complaint: [] },
      dispositionCode: 'ACCOUNT_UPDATE',
      language: 'zh',
      provider: 'offline',
      model: 'extractive-v1',
      promptVersion: 'offline',
    };
    const masked = maskSummary(summary);
    const text = JSON.stringify({ ...masked, productsDiscussed: [] });
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('zhang@example.com');
    expect(text).not.toContain('6222021234567894');
    expect(masked.reason).toBe('客户来电更新手机号138****5678');
    expect(masked.productsDiscussed[0]!.turnIds).toEqual(['13900000000']);
    expect(masked.followUps[0]!.due).toBe('2026-12-08');
    expect(masked.compliance.findings[0]!.ruleId).toBe('CN-PRIV-004');
    expect(masked.dispositionCode).toBe('ACCOUNT_UPDATE');
  });
});
