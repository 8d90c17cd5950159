// Fault injection: a fixed latency for every request plus rules that make matching requests fail
// in one chosen way. Rules never apply to /__admin/**.
//
// A rule, as JSON (admin API) or as text (`--fault`, and also accepted by the admin API):
//   {"action":"status","status":503,"path":"/api/v1/reading-sessions/batch","method":"POST","count":5}
//   status=503,path=/api/v1/reading-sessions/batch,method=POST,count=5
// Text form: comma-separated; exactly one action item, then `path=`, `method=`, `count=`,
// `retry-after=` (seconds, status rules only). Defaults: every path, every method, until cleared.
//   status=N             answer N (e.g. 503, 429, 500) with a JSON error body; nothing is processed
//   drop-before-commit   close the connection once the request is read; nothing is processed
//   drop-after-commit    process and commit, then close the connection without answering
//   truncate             process and commit, then answer with the body cut short (invalid JSON)
//   html                 answer 200 text/html (a captive-portal page); nothing is processed
//   delay=MS             wait MS milliseconds, then process normally (client timeouts)
//   hold                 keep the request open, unprocessed, until the harness releases it (admin
//                        API: GET /__admin/held, POST /__admin/held/release): a request in flight
//   hold-after-commit    process and commit, then keep the answer back until released
//   reject-session       a validation rule the client does not know (say, of a newer BookLore):
//                        a session whose `field` equals `equals` is refused with 400; in a batch the
//                        whole batch is refused (all-or-nothing, §1.2), with `details` naming the item
//                        (`sessions[i].field: …`) unless details=false. Text form:
//                        reject-session,field=endLocation,equals=POISON[,details=false]
//                        It never consumes a count and applies until cleared.
//   ignore-range         serve the request as if it had no Range header (200, the whole file; §8)
//   wrong-range          a 206 whose (first) Content-Range names bytes one further than those sent
//   respond              answer exactly this (JSON only): {"action":"respond","status":200,
//                        "contentType":"application/json","body":"{\"totalRequested\":\"x\"}"}; nothing
//                        is processed. For fuzzing clients with answers no real server gives.
// `path` is exact, or a prefix when it ends in `*` (`*` alone = every path); the query string is
// ignored. The first matching rule with requests left decides (hold rules before the others); delay
// rules add their wait and let the next matching rule decide too.
import { z } from 'zod';

export const FAULT_ACTIONS = ['status', 'drop-before-commit', 'drop-after-commit', 'truncate', 'html', 'delay', 'reject-session', 'ignore-range', 'wrong-range', 'hold', 'hold-after-commit', 'respond'] as const;

export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** The session fields a reject-session rule can look at. */
export const REJECTABLE_FIELDS = ['startTime', 'endTime', 'durationSeconds', 'startProgress', 'endProgress', 'startLocation', 'endLocation'] as const;

export interface FaultRule {
  action: FaultAction;
  /** Exact path, or a prefix ending in `*`. */
  path: string;
  method?: string;
  /** How many requests this rule applies to; omitted = until cleared. */
  count?: number;
  /** For `status`. */
  status?: number;
  /** For `status`: a Retry-After header, in seconds. */
  retryAfter?: number;
  /** For `delay`. */
  delayMs?: number;
  /** For `reject-session`: the session field to look at, and the value refused. */
  field?: string;
  equals?: string;
  /** For `reject-session`: name the item in `details` (default true). */
  details?: boolean;
  /** For `respond`: the Content-Type (none when omitted) and the body sent as they are. */
  contentType?: string;
  body?: string;
}

export interface ActiveFaultRule extends FaultRule {
  /** Requests this rule has applied to so far. */
  hits: number;
  /** Requests it still applies to; null = until cleared. */
  remaining: number | null;
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

const FaultRuleSchema = z
  .object({
    action: z.enum(FAULT_ACTIONS),
    path: z.string().startsWith('/').or(z.literal('*')).default('*'),
    method: z
      .string()
      .regex(/^[A-Za-z]+$/)
      .transform((m) => m.toUpperCase())
      .optional(),
    count: z.number().int().positive().optional(),
    status: z.number().int().min(100).max(599).optional(),
    retryAfter: z.number().int().nonnegative().optional(),
    delayMs: z.number().int().nonnegative().optional(),
    field: z.enum(REJECTABLE_FIELDS).optional(),
    equals: z.string().optional(),
    details: z.boolean().optional(),
    contentType: z.string().optional(),
    body: z.string().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.action === 'status' && rule.status === undefined) ctx.addIssue({ code: 'custom', path: ['status'], message: 'a status rule needs a status' });
    if (rule.action === 'delay' && rule.delayMs === undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'a delay rule needs delayMs' });
    if (rule.action === 'respond' && (rule.status === undefined || rule.body === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'a respond rule needs status and body' });
    }
    if (rule.action === 'reject-session' && (rule.field === undefined || rule.equals === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['field'], message: 'a reject-session rule needs field and equals' });
    }
  });

export const FaultsInputSchema = z
  .object({
    latencyMs: z.number().int().nonnegative().optional(),
    rules: z.array(z.unknown()).optional(),
  })
  .strict();

export type FaultRuleInput = FaultRule | string;

/** A rule from JSON or text, checked; throws FaultSpecError saying what is wrong. */
export function parseFaultRule(input: unknown): FaultRule {
  if (typeof input === 'string') return parseFaultSpec(input);
  const parsed = FaultRuleSchema.safeParse(input);
  if (!parsed.success) {
    throw new FaultSpecError(`invalid fault rule ${JSON.stringify(input)}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function wholeNumber(key: string, text: string | undefined, spec: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new FaultSpecError(`fault "${spec}": ${key} needs a whole number, e.g. ${key}=5`);
  return Number(text);
}

/** The text form (see the top of this file), e.g. `status=503,count=5,path=/api/v1/reading-sessions/batch`. */
export function parseFaultSpec(spec: string): FaultRule {
  const rule: Partial<FaultRule> & { path: string } = { path: '*' };
  for (const item of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : item.slice(eq + 1).trim();
    if ((FAULT_ACTIONS as readonly string[]).includes(key)) {
      if (rule.action !== undefined) throw new FaultSpecError(`fault "${spec}": give one action, not ${rule.action} and ${key}`);
      rule.action = key as FaultAction;
      if (key === 'status') rule.status = wholeNumber('status', value, spec);
      else if (key === 'delay') rule.delayMs = wholeNumber('delay', value, spec);
      else if (value !== undefined) throw new FaultSpecError(`fault "${spec}": ${key} takes no value`);
      continue;
    }
    switch (key) {
      case 'path':
        if (value === undefined || (value !== '*' && !value.startsWith('/'))) throw new FaultSpecError(`fault "${spec}": path must start with / (a trailing * makes it a prefix)`);
        rule.path = value;
        break;
      case 'method':
        if (value === undefined || !/^[A-Za-z]+$/.test(value)) throw new FaultSpecError(`fault "${spec}": method must be a word such as POST`);
        rule.method = value.toUpperCase();
        break;
      case 'count':
        rule.count = wholeNumber('count', value, spec);
        if (rule.count === 0) throw new FaultSpecError(`fault "${spec}": count must be at least 1 (omit it for "until cleared")`);
        break;
      case 'retry-after':
        rule.retryAfter = wholeNumber('retry-after', value, spec);
        break;
      case 'field':
        rule.field = value;
        break;
      case 'equals':
        rule.equals = value;
        break;
      case 'details':
        if (value !== 'true' && value !== 'false') throw new FaultSpecError(`fault "${spec}": details takes true or false`);
        rule.details = value === 'true';
        break;
      default:
        throw new FaultSpecError(`fault "${spec}": unknown item "${item}"; actions are ${FAULT_ACTIONS.join(', ')}; options are path=, method=, count=, retry-after=, field=, equals=, details=`);
    }
  }
  if (rule.action === undefined) throw new FaultSpecError(`fault "${spec}": no action; give one of status=N, ${FAULT_ACTIONS.slice(1, -1).join(', ')}, delay=MS`);
  if (rule.status !== undefined && (rule.status < 100 || rule.status > 599)) throw new FaultSpecError(`fault "${spec}": status must be 100–599`);
  return parseFaultRule(rule);
}

function isHold(rule: FaultRule): boolean {
  return rule.action === 'hold' || rule.action === 'hold-after-commit';
}

function pathMatches(pattern: string, path: string): boolean {
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

export interface FaultDecision {
  /** Extra wait from delay rules, on top of the fixed latency. */
  delayMs: number;
  /** The rule that decides the outcome, if any. */
  rule: FaultRule | null;
}

/** The server's current latency and rules, and which rule a request meets. */
export class FaultPlan {
  latencyMs = 0;
  /** Requests some rule applied to since start-up or reset (clearing rules keeps it): faults that fired, not rules added. */
  fired = 0;
  private rules: ActiveFaultRule[] = [];

  add(input: { latencyMs?: number; rules?: unknown[] }): void {
    const rules = (input.rules ?? []).map(parseFaultRule); // all checked before any is added
    if (input.latencyMs !== undefined) this.latencyMs = input.latencyMs;
    for (const rule of rules) this.rules.push({ ...rule, hits: 0, remaining: rule.count ?? null });
  }

  clear(): void {
    this.latencyMs = 0;
    this.rules = [];
  }

  snapshot(): { latencyMs: number; fired: number; rules: ActiveFaultRule[] } {
    return { latencyMs: this.latencyMs, fired: this.fired, rules: this.rules.map((r) => ({ ...r })) };
  }

  /** Removes the rules of these actions that have not fired yet (a harness disarming a hold it no longer wants). */
  disarm(actions: readonly FaultAction[]): void {
    this.rules = this.rules.filter((r) => !actions.includes(r.action) || r.hits > 0);
  }

  /** Consumes one use of each rule that applies. */
  decide(method: string, path: string): FaultDecision {
    let delayMs = 0;
    // Hold rules are looked at first, so a harness can hold the next upload on top of other faults.
    const holdsFirst = [...this.rules.filter(isHold), ...this.rules.filter((r) => !isHold(r))];
    for (const active of holdsFirst) {
      if (active.remaining === 0 || active.action === 'reject-session') continue;
      if (active.method !== undefined && active.method !== method) continue;
      if (!pathMatches(active.path, path)) continue;
      active.hits++;
      this.fired++;
      if (active.remaining !== null) active.remaining--;
      if (active.action === 'delay') {
        delayMs += active.delayMs ?? 0;
        continue;
      }
      return { delayMs, rule: active };
    }
    return { delayMs, rule: null };
  }
}

/** What the active reject-session rules say about one session item (raw JSON), if anything. */
export function sessionRejections(plan: FaultPlan, item: unknown): { field: string; message: string; details: boolean }[] {
  if (typeof item !== 'object' || item === null) return [];
  const found: { field: string; message: string; details: boolean }[] = [];
  for (const rule of plan.snapshot().rules) {
    if (rule.action !== 'reject-session' || rule.field === undefined) continue;
    const value = (item as Record<string, unknown>)[rule.field];
    if (value !== undefined && value !== null && String(value) === rule.equals) {
      found.push({ field: rule.field, message: `must not be ${JSON.stringify(rule.equals)}`, details: rule.details !== false });
    }
  }
  return found;
}

/** A rule in the text form, for logs and the start-up banner. */
export function describeFaultRule(rule: FaultRule): string {
  const action = rule.action === 'status' ? `status=${rule.status}` : rule.action === 'delay' ? `delay=${rule.delayMs}` : rule.action;
  const parts = [action, `path=${rule.path}`];
  if (rule.field !== undefined) parts.push(`field=${rule.field}`, `equals=${rule.equals}`);
  if (rule.details === false) parts.push('details=false');
  if (rule.method !== undefined) parts.push(`method=${rule.method}`);
  if (rule.count !== undefined) parts.push(`count=${rule.count}`);
  if (rule.retryAfter !== undefined) parts.push(`retry-after=${rule.retryAfter}`);
  return parts.join(',');
}
