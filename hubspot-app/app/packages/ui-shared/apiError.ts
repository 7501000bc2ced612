/**
 * An error answer of the API: `{ error, message }` (ErrorBody) with its HTTP status. The backend's
 * domain errors are this class (backend/src/errors.ts), so the code and status a route answers
 * with are the ones the UI reads; the UI throws it for an error answer, or with code 'network'
 * when the backend could not be reached.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}
