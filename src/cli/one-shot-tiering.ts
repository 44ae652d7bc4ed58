/**
 * @module How eagerly V8 optimises code in a command that does one job and exits (`vigil scan`,
 * `vigil sbom`), as opposed to the server, whose code runs for hours.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * How much bytecode a function runs before V8 compiles it with its optimising compiler: about 16
 * times V8's own default (66 KiB). A scan or an inventory runs each step over every package or
 * file once, for a second or so; with the default, V8 spent more CPU compiling than the compiled
 * code saved (for `vigil sbom /` on a host: 770 ms of its 2.5 s of CPU went to compiler threads,
 * on a machine with two cores for three busy threads). Code that stays hot in a long run is still
 * optimised, a little later.
 */
const ONE_SHOT_INTERRUPT_BUDGET = 1_048_576;

/**
 * Sets the budget for the rest of the process, worker threads started afterwards included. Node
 * warns against changing V8 flags at run time in general; this one is read only when V8 decides
 * whether to optimise a function, so changing it is safe at any point.
 */
export function tierUpLater(): void {
  setFlagsFromString(`--interrupt-budget=${ONE_SHOT_INTERRUPT_BUDGET}`);
}
