// The lab's public surface, for the main CLI and for accuracy tests of the monitor (docs/LAB.md).
export { Lab, type LabAction, type LabOptions } from './lab';
export { labDown, labStatus, formatStatus, type DownReport, type DownOptions, type LabStatus } from './cleanup';
export { LAB_STATE_DIR, readLabState, labStateNames, ownershipOf, type LabState, type Ownership } from './owner';
export { runLabCli, LAB_USAGE, type CliIo } from './cli';
export { runVerifyCli } from './verify-cli';
export { generateScenario, type GenerateOptions } from './generate';
export { parseScenario, parseScenarioText, expandTimeline, ScenarioError, type Scenario } from './scenario';
export {
  expectedFromTruth,
  readTruth,
  parseTruth,
  type ExpectedOutage,
  type ExpectedSet,
  type TruthLine,
  type TruthProbe,
} from './truth';
export { ensureBlackhole, hasBlackhole, removeBlackhole, LAB_RANGE } from './blackhole';
export { compareOutages, type DetectedOutage, type VerifyOptions, type VerifyReport } from './verify';
export { formatVerifyReport } from './verify-table';
export { labInventory, inventoryYaml } from './inventory';
export { demoOnLab, demoLabScenario, demoLabUnavailable, startDemoLab, type DemoLab } from './demo';
