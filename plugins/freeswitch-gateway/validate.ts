import { ruleProblem } from '../../app/plugins/sdk';
import type { FreeswitchGatewayConfig } from './config';

// What JSON Schema cannot say: cross-field rules, unique names, usable regular expressions.
// Messages are keyed by the dotted path of the field, as the config form shows them.

export function validateGatewayConfig(config: FreeswitchGatewayConfig): Record<string, string> {
  const errors: Record<string, string> = {};
  const auth = config.auth ?? 'register';
  if (auth === 'register') {
    if (!config.username) errors.username = 'required when the gateway registers';
    if (!config.password) errors.password = 'required when the gateway registers';
  }
  const gateways = config.gateways ?? [];
  if (!gateways.length) errors.gateways = 'add at least one gateway';
  const seen = new Map<string, number>();
  gateways.forEach((g, i) => {
    const first = seen.get(g.name);
    if (first !== undefined) errors[`gateways.${i}.name`] = `the same name as gateway ${first + 1}`;
    else seen.set(g.name, i);
  });
  (config.rewrite ?? []).forEach((rule, i) => {
    const problem = ruleProblem({ match: rule.match, replace: rule.replace ?? '' });
    if (problem) errors[`rewrite.${i}.${/replacement/.test(problem) ? 'replace' : 'match'}`] = problem;
  });
  const numbers = new Map<string, number>();
  (config.callerIds ?? []).forEach((c, i) => {
    if (numbers.has(c.number)) errors[`callerIds.${i}.number`] = `already in the pool (row ${(numbers.get(c.number) ?? 0) + 1})`;
    else numbers.set(c.number, i);
    if (c.gateway && !seen.has(c.gateway)) errors[`callerIds.${i}.gateway`] = `no gateway named ${c.gateway}`;
  });
  return errors;
}
