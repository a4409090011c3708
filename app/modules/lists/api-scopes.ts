/** What a project API key may do. */
// calls.create: click-to-call for a contact; calls.number: also for a raw number (with permission).
export const API_SCOPES = ['contacts.write', 'contacts.read', 'dnc.write', 'calls.create', 'calls.number'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
