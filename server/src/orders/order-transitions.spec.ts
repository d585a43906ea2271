import { ORDER_TRANSITIONS, REFUNDABLE_STATES, assertTransition, canTransition } from './order-transitions';

describe('order transitions', () => {
  it('follows PRODUCT.md §3: the happy path and the side exits', () => {
    const path = ['PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'IN_SESSION', 'COMPLETED', 'SETTLED'] as const;
    for (let i = 0; i + 1 < path.length; i++) expect(canTransition(path[i], path[i + 1])).toBe(true);
    expect(canTransition('PENDING_PAYMENT', 'CLOSED')).toBe(true);
    expect(canTransition('PAID', 'REFUNDING')).toBe(true);
    expect(canTransition('REFUNDING', 'REFUNDED')).toBe(true);
    expect(canTransition('REFUNDING', 'PARTIALLY_REFUNDED')).toBe(true);
  });

  it('refuses everything else with a 409', () => {
    expect(canTransition('PENDING_PAYMENT', 'ACCEPTED')).toBe(false);
    expect(canTransition('CLOSED', 'PAID')).toBe(false);
    expect(canTransition('REFUNDED', 'REFUNDING')).toBe(false);
    expect(() => assertTransition('ACCEPTED', 'ACCEPTED', 'order/not_acceptable')).toThrow(expect.objectContaining({ code: 'order/not_acceptable', status: 409 }));
    // Settled: only a finance refund (clawed back) can still move it.
    expect(ORDER_TRANSITIONS.SETTLED).toEqual(['REFUNDING']);
    expect(ORDER_TRANSITIONS.REFUNDED).toEqual([]);
    expect(REFUNDABLE_STATES).not.toContain('PENDING_PAYMENT');
  });
});
