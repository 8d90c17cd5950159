// §2.1: JWT login and refresh.
import { errorResponse, MALFORMED_BODY, validationError } from '../error-responses.js';
import { jsonResponse } from '../http-exchange.js';
import { isResponse, readJsonBody, type Route } from './route.js';

function blank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

export const AUTH_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auth\/login$/,
    handle(ctx, request) {
      const body = readJsonBody(request);
      if (isResponse(body)) return body;
      if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) return errorResponse(400, MALFORMED_BODY);
      const { username, password } = body.value as Record<string, unknown>;
      // UserLoginRequest: both @NotBlank.
      const details: string[] = [];
      if (blank(username)) details.push('username: must not be blank');
      if (blank(password)) details.push('password: must not be blank');
      if (details.length > 0) return validationError(details);
      const user = ctx.store.userByName(String(username));
      // AuthenticationService.loginUser: an unknown name is ApiError.USER_NOT_FOUND (400).
      if (user === undefined) return errorResponse(400, `User not found: ${String(username)}`);
      if (user.password !== password) return errorResponse(400, 'Invalid credentials'); // §2.1
      const tokens = ctx.auth.issueTokens(user);
      // §2.1: every value is a string, isDefaultPassword included.
      return jsonResponse(200, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, isDefaultPassword: 'false' });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auth\/refresh$/,
    handle(ctx, request) {
      const body = readJsonBody(request);
      if (isResponse(body)) return body;
      if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) return errorResponse(400, MALFORMED_BODY);
      const token = (body.value as Record<string, unknown>).refreshToken;
      // §2.1: a rotated (revoked), expired or unknown refresh token is INVALID_CREDENTIALS (400).
      const rotated = typeof token === 'string' ? ctx.auth.rotateRefreshToken(token) : null;
      if (rotated === null) return errorResponse(400, 'Invalid credentials');
      return jsonResponse(200, { accessToken: rotated.accessToken, refreshToken: rotated.refreshToken });
    },
  },
];
