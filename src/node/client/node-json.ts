// The JSON port (src/core/booklore/json-port.ts) over JavaScript's JSON.
import type { JsonParse, JsonPort } from '../../core/booklore/json-port.js';

export const nodeJson: JsonPort = {
  parse(text: string): JsonParse {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      return { ok: false };
    }
  },
  encodeString: (value) => JSON.stringify(value),
  encodeNumber: (value) => JSON.stringify(value),
};
