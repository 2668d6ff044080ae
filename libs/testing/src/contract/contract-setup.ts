// Jest setupFilesAfterEnv of the apps' suites: a test after which an answer broke the app's OpenAPI
// document fails, naming the operation, the status and what did not match.
import { takeContractViolations } from './contract-recorder';

afterEach(() => {
  const violations = takeContractViolations();
  if (violations.length) {
    throw new Error(`Answers that break the OpenAPI document:\n  ${[...new Set(violations)].join('\n  ')}`);
  }
});
