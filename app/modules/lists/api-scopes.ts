/** What a project API key may do. */
export const API_SCOPES = ['contacts.write', 'contacts.read', 'dnc.write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
