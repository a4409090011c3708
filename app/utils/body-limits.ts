// How large a request body may be, per address. The web server refuses anything larger with 413
// before Remix reads it (server/body-limit.ts); routes that stream big bodies keep their own
// checks too, so a file just over the limit gets the page's own message.

/** An import file streamed to disk (projects/:id/upload). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** 10 000 contacts of a few kilobytes each fit with room to spare (POST /api/v1/projects/:id/contacts). */
export const MAX_API_BODY_BYTES = 64 * 1024 * 1024;

/** Every other body (form posts, JSON) unless WAIHU_MAX_BODY_BYTES says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface BodyLimit {
  bytes: number;
  /** The error code the page or client of that address already understands. */
  error: string;
}

const LARGER: { path: RegExp; limit: BodyLimit }[] = [
  { path: /^\/projects\/[^/]+\/upload\/?$/, limit: { bytes: MAX_UPLOAD_BYTES, error: 'upload.tooLarge' } },
  {
    path: /^\/api\/v1\/projects\/[^/]+\/contacts\/?$/,
    limit: { bytes: MAX_API_BODY_BYTES, error: 'body_too_large' },
  },
];

export function bodyLimitFor(pathname: string, defaultBytes: number): BodyLimit {
  return LARGER.find((l) => l.path.test(pathname))?.limit ?? { bytes: defaultBytes, error: 'body_too_large' };
}
