// §8: what the answers of GET /api/v1/books (as a library of files) and GET …/content mean.
// Content answers are handed on as bytes: remote-fingerprint.ts checks them against what it asked.
import type { ContentOutcome, LibraryOutcome } from '../sync/library-port.js';
import { isHtml, isJson } from './answer-reader.js';
import type { EndpointAnswers, WebPage } from './endpoint-answers.js';
import { failed, unknown } from './failures.js';
import type { HttpResponse } from './http-port.js';
import type { JsonPort } from './json-port.js';
import { libraryFiles } from './library-answer.js';

export function libraryAnswer(response: HttpResponse, json: JsonPort, answers: EndpointAnswers): LibraryOutcome | WebPage {
  if (response.status === 200 && isJson(response)) {
    const parsed = json.parse(response.text);
    const library = parsed.ok ? libraryFiles(parsed.value) : null;
    if (library !== null) return { ok: true, files: library.files, books: library.books };
    return failed(unknown('the book list was not the expected JSON', true));
  }
  if (response.status === 200 && isHtml(response)) return { ok: false, webPage: true, unsupported: 'the book list answered with a web page' };
  if (response.status >= 200 && response.status < 300) return failed(unknown('the book list was not JSON', true));
  return failed(answers.failureFor(response, 'other', 'jwt'));
}

export function contentAnswer(response: HttpResponse, answers: EndpointAnswers): ContentOutcome {
  // 401 is renewed by the client first; what is left here is the server's answer about this file.
  if (response.status === 401) return failed(answers.failureFor(response, 'other', 'jwt'));
  return {
    ok: true,
    answer: {
      status: response.status,
      contentType: response.contentType,
      contentRange: response.contentRange ?? null,
      contentLength: response.contentLength ?? null,
      body: response.text,
      truncated: response.truncated === true,
    },
  };
}
