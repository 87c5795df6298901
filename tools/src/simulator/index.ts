// The simulator's public surface (`@hookline/tools/simulator`): npm start, the demo and
// the benchmarks use these, never the files behind them.
export { TrafficGenerator, MAX_EVENTS_PER_SESSION, type SimulatedEvent, type TrafficGeneratorOptions } from './traffic-generator.js';
export {
  TrafficSimulator,
  type TrafficSimulatorOptions,
  type SimulationSummary,
  type SimulationProgress,
  type SimulationCounters,
  type SimulationError,
  type LatencySummary,
} from './traffic-simulator.js';
export { SeededRandom } from './seeded-random.util.js';
export { runSimulateCli, EXIT as SIMULATE_EXIT } from './simulate.cli.js';
export { SIMULATOR_DEFAULTS, SIMULATED_ORG_IDS, SIMULATED_CONNECTIONS } from './simulator.constant.js';
