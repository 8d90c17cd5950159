// The JSON bodies the client sends, put together key by key in a fixed order (as JSON.stringify
// writes the objects: booklore-server.md §1.1, §1.2, §2.1), so they come out the same in Node and in Lua.
import type { WireSession } from '../sync/api-port.js';
import type { JsonPort } from './json-port.js';

type Field = [string, string];

export class RequestBodies {
  constructor(private readonly json: JsonPort) {}

  /** §1.1 POST /api/v1/reading-sessions. */
  single(bookId: number, bookType: string, session: WireSession): string {
    return this.object([['bookId', this.json.encodeNumber(bookId)], ['bookType', this.json.encodeString(bookType)], ...this.sessionFields(session)]);
  }

  /** §1.2 POST /api/v1/reading-sessions/batch. */
  batch(bookId: number, bookType: string, sessions: WireSession[]): string {
    const items = sessions.map((session) => this.object(this.sessionFields(session)));
    return this.object([['bookId', this.json.encodeNumber(bookId)], ['bookType', this.json.encodeString(bookType)], ['sessions', `[${items.join(',')}]`]]);
  }

  /** §2.1 POST /api/v1/auth/login. */
  login(username: string, password: string): string {
    return this.object([['username', this.json.encodeString(username)], ['password', this.json.encodeString(password)]]);
  }

  /** §2.1 POST /api/v1/auth/refresh. */
  refresh(refreshToken: string): string {
    return this.object([['refreshToken', this.json.encodeString(refreshToken)]]);
  }

  private sessionFields(session: WireSession): Field[] {
    return [
      ['startTime', this.json.encodeString(session.startTime)],
      ['endTime', this.json.encodeString(session.endTime)],
      ['durationSeconds', this.json.encodeNumber(session.durationSeconds)],
      ['durationFormatted', this.json.encodeString(session.durationFormatted)],
      ['startProgress', this.nullableNumber(session.startProgress)],
      ['endProgress', this.nullableNumber(session.endProgress)],
      ['progressDelta', this.nullableNumber(session.progressDelta)],
      ['startLocation', this.nullableString(session.startLocation)],
      ['endLocation', this.nullableString(session.endLocation)],
    ];
  }

  private nullableNumber(value: number | null | undefined): string {
    return value === null || value === undefined ? 'null' : this.json.encodeNumber(value);
  }

  private nullableString(value: string | null | undefined): string {
    return value === null || value === undefined ? 'null' : this.json.encodeString(value);
  }

  private object(fields: Field[]): string {
    return `{${fields.map(([key, value]) => `${this.json.encodeString(key)}:${value}`).join(',')}}`;
  }
}
