/** The body of every error response: a stable namespaced code and a message a person can act on. */
export interface ErrorBody {
  code: string;
  message: string;
  /** Per-field problems for validation errors. */
  details?: { field: string; problem: string }[];
  requestId?: string;
}
