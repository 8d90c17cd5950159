// An answer's body as a typed value: JSON text parsed by the JSON port, checked by the shapes port.
// Also the error text a failed request reports: the server's ErrorResponse message (§1.3), else
// the start of the body, else the status.
import type { AnswerShapes } from './answer-shapes.js';
import type { HttpResponse } from './http-port.js';
import type { JsonPort } from './json-port.js';

export function isJson(response: HttpResponse): boolean {
  return response.contentType.includes('json');
}

export function isHtml(response: HttpResponse): boolean {
  return response.contentType.includes('html');
}

/** How much of a body that is not an ErrorResponse goes into a message. */
const EXCERPT_LENGTH = 200;

/**
 * JavaScript's white space (as /\s/), from its character codes: in Lua a string is bytes, so only
 * the ASCII ones can match there (as Lua's %s), and a UTF-8 sequence is never cut into.
 */
function isWhiteSpace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code < 0x1680) return false;
  return (
    code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** Every run of white space as one space, trimmed: a body excerpt on one line. */
export function collapseWhiteSpace(text: string): string {
  let result = '';
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    if (isWhiteSpace(text.charCodeAt(i))) {
      inSpace = true;
      continue;
    }
    if (inSpace) result += ' ';
    inSpace = false;
    result += text.charAt(i);
  }
  if (inSpace) result += ' ';
  return result.trim();
}

export class AnswerReader {
  constructor(
    private readonly json: JsonPort,
    private readonly shapes: AnswerShapes,
  ) {}

  /** The body as the value `shape` describes, or null when it is not JSON of that shape. */
  read<K extends keyof AnswerShapes>(text: string, shape: K): ReturnType<AnswerShapes[K]> {
    const parsed = this.json.parse(text);
    if (!parsed.ok) return null as ReturnType<AnswerShapes[K]>;
    return this.shapes[shape](parsed.value) as ReturnType<AnswerShapes[K]>;
  }

  /** What a failed request says about itself: its ErrorResponse message and details, else the body's start, else the status. */
  errorBody(response: HttpResponse): { message: string; details: string[] } {
    const parsed = isJson(response) ? this.read(response.text, 'errorResponse') : null;
    let message = parsed !== null ? parsed.message : null;
    if (message === null) message = response.text.length > 0 ? collapseWhiteSpace(response.text.slice(0, EXCERPT_LENGTH)) : '';
    return { message: message.length > 0 ? message : `HTTP ${response.status}`, details: parsed !== null ? parsed.details : [] };
  }
}
