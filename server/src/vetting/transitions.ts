import type { ApplicationStatus } from '@qingting/prisma';

/**
 * THE table of application transitions. Every change of `ListenerApplication.status` is checked
 * against it and then made as a conditional update `WHERE id = ? AND status = <from>`, so two
 * reviewers deciding at once cannot both win.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<ApplicationStatus, readonly ApplicationStatus[]>> = {
  SUBMITTED: ['APPROVED', 'REJECTED', 'CHANGES_REQUESTED', 'AWAITING_SECOND_REVIEW'],
  AWAITING_SECOND_REVIEW: ['APPROVED', 'REJECTED', 'CHANGES_REQUESTED'],
  CHANGES_REQUESTED: ['SUBMITTED'],
  APPROVED: [],
  REJECTED: [],
};

export type ReviewDecision = 'approve' | 'reject' | 'request_changes';

/** Statuses a reviewer can act on (the queue's default view). */
export const OPEN_FOR_REVIEW: readonly ApplicationStatus[] = ['SUBMITTED', 'AWAITING_SECOND_REVIEW'];

/** Statuses that block a new application (one open application per person). */
export const OPEN_FOR_APPLICANT: readonly ApplicationStatus[] = ['SUBMITTED', 'AWAITING_SECOND_REVIEW', 'CHANGES_REQUESTED'];

/**
 * Where a decision takes an application from `from`, or null when the decision does not apply
 * there. Approving a certificate claim the first time only gets it to AWAITING_SECOND_REVIEW.
 */
export function targetOf(decision: ReviewDecision, from: ApplicationStatus, claimsCertificate: boolean): ApplicationStatus | null {
  const to: ApplicationStatus =
    decision === 'reject' ? 'REJECTED'
    : decision === 'request_changes' ? 'CHANGES_REQUESTED'
    : from === 'SUBMITTED' && claimsCertificate ? 'AWAITING_SECOND_REVIEW'
    : 'APPROVED';
  return ALLOWED_TRANSITIONS[from].includes(to) ? to : null;
}

export function canTransition(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}
