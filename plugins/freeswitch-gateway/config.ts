import type { RewriteRule } from '../../app/plugins/sdk';

// The installation's config: one carrier account (one set of credentials) with one or more SIP
// gateways, a caller-ID pool and the rules that turn an E.164 number into what the carrier expects.

export const CODECS = ['PCMA', 'PCMU', 'G729', 'G722', 'opus', 'GSM'] as const;
export type Codec = (typeof CODECS)[number];

export interface GatewayEntry {
  /** FreeSWITCH gateway name, also the trunk id: `sofia/gateway/<name>/…`. */
  name: string;
  /** Host[:port] the calls (and registrations) go to. */
  proxy: string;
  /** Auth realm; default the proxy's host. */
  realm?: string;
  /** Concurrent calls the carrier allows on this gateway (one E1 = 30). */
  capacity: number;
}

export interface FreeswitchGatewayConfig {
  /** `register`: the carrier expects a SIP REGISTER with username/password; `ip`: it trusts our address. */
  auth?: 'register' | 'ip';
  username?: string;
  password?: string;
  fromDomain?: string;
  transport?: 'udp' | 'tcp' | 'tls';
  expireSeconds?: number;
  /** OPTIONS ping interval (s); 0 = off. Marks an IP-auth gateway DOWN when the carrier stops answering. */
  pingSeconds?: number;
  gateways?: GatewayEntry[];
  codecs?: Codec[];
  /** `replace` is absent when the form left it empty (= remove what matched). */
  rewrite?: (Omit<RewriteRule, 'replace'> & { replace?: string })[];
  dialPrefix?: string;
  callerIds?: { number: string; areaCode?: string; dailyCap?: number; gateway?: string }[];
}

/** The proxy's host without port or scheme: the default realm and From domain. */
export function proxyHost(proxy: string): string {
  return proxy
    .replace(/^sips?:/, '')
    .replace(/^\[([^\]]+)\].*$/, '$1')
    .replace(/:\d+$/, '');
}
