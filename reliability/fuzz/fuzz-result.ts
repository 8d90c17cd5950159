export interface FuzzResult {
  name: string;
  cases: number;
  /** Each names the case (seed and input) that broke a rule. */
  failures: string[];
}

/** Keeps the first few failures with their inputs, so a report stays readable. */
export function recordFailure(result: FuzzResult, message: string): void {
  if (result.failures.length < 20) result.failures.push(message.length > 600 ? `${message.slice(0, 600)}…` : message);
  else if (result.failures.length === 20) result.failures.push('… more failures not shown');
}
