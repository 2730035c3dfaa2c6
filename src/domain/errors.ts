/**
 * Failures the domain and the use cases can report. Each has a stable code;
 * the HTTP edge maps codes to statuses in one table (src/http/errors.ts), so
 * nothing below the edge names a status.
 */
export interface ProblemDetail {
  path: string;
  message: string;
}

export class GoalpostError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: ProblemDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends GoalpostError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} does not exist`);
  }
}

/** The request conflicts with the current state (an archived offer, a used key). */
export class ConflictError extends GoalpostError {}

/** The input is well formed but breaks a rule; `details` lists every problem at once. */
export class ValidationError extends GoalpostError {
  constructor(message: string, details: ProblemDetail[]) {
    super('validation_failed', message, details);
  }
}

export class InvalidRequestError extends GoalpostError {
  constructor(message: string, details: ProblemDetail[] = []) {
    super('invalid_request', message, details);
  }
}
