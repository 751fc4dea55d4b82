/**
 * The order a script runs its commands in, with the bodies of the functions it surely calls put
 * where it calls them. Defining a function runs nothing; a call runs its body then, in the same
 * shell (POSIX XCU 2.9.5 "Function Definition Command", 2.9.1.1 "Command Search and Execution":
 * a name that is a defined function runs it, with the call's arguments as its positional
 * parameters; bash `execute_cmd.c` `execute_function`). So `render() { envsubst < … > …; };
 * render` renders as surely as the script runs, and `start() { exec gunicorn …; }; start "$@"`
 * starts gunicorn.
 *
 * A call is followed only where it surely runs the body it names: a plain command (no `NAME=value`
 * prefix, redirection, pipe or `&`, not after `&&` or `||`) at the top level or in branches the
 * arguments pick, of a `{ …; }` function defined unconditionally (in the same body, or at the
 * top level) before it, and not after a command that surely ends the script (`exit`, `exec
 * CMD`); a call in such a body likewise, a few calls deep, a function never inside itself. A
 * function no call surely runs keeps its body where it is defined, as possible commands.
 */
import { literalText, type ShellCommand, type ShellFunction } from '../kit/shell-words';

/** One command as the script runs it. */
export interface RunCommand {
  /** Index in the script's commands. */
  position: number;
  /** The compound commands of the function body it runs in, to leave out of its depth (0 outside a body run by a call). */
  outer: number;
  /** The function whose call runs it, directly. */
  calledIn?: ShellFunction;
  /** Which call: the `local` variables of that call end with it. */
  call?: number;
  /** Its `$1`, `"$@"` are a call's arguments, not the script's (the call did not pass `"$@"` on). */
  callArguments?: true;
}

/** A call whose body follows: its arguments, expanded there, are the body's positional parameters. */
export interface CallStart {
  /** The call's number. */
  calls: number;
  /** Index of the calling command in the script's commands. */
  position: number;
  /** The call whose body holds the calling command, if any: its positional parameters are the caller's. */
  from?: number;
}

/** The end of a call's body: its `local` variables go back to what they were. */
export interface CallReturn {
  returnsFrom: number;
}

/** How deep calls inside called functions are followed, and how many commands the bodies may add in all. */
const MAX_CALL_DEPTH = 8;
const MAX_CALLED_COMMANDS = 2048;

/**
 * The commands in the order the script runs them. `certain(position, outer, calledIn)`: whether
 * the command at `position` runs whenever the body (or script) around it does.
 */
export function runOrder(
  commands: readonly ShellCommand[],
  functions: readonly ShellFunction[],
  certain: (position: number, outer: number, calledIn: ShellFunction | undefined) => boolean,
): (RunCommand | CallStart | CallReturn)[] {
  const definedAt = new Map<number, ShellFunction[]>();
  for (const definition of functions)
    if (definition.end > definition.first) (definedAt.get(definition.first) ?? definedAt.set(definition.first, []).get(definition.first)!).push(definition);
  /** Functions a call can surely run, by name, as the script goes. */
  const defined = new Map<string, ShellFunction>();
  /** Definitions whose body some call runs: their text is not run where they stand. */
  const called = new Set<ShellFunction>();
  const active: string[] = [];
  const order: (RunCommand | CallStart | CallReturn | { definition: ShellFunction; outer: number; calledIn?: ShellFunction; callArguments?: true })[] = [];
  let ended = false;
  let budget = MAX_CALLED_COMMANDS;
  let calls = 0;

  /** Walks `commands[from]` up to `commands[to]`: the body of `calledIn` run by call number `call`, or the script. */
  const walk = (from: number, to: number, outer: number, calledIn: ShellFunction | undefined, call: number | undefined, callArguments: boolean): void => {
    for (let position = from; position < to; position++) {
      // A definition in this body (the outermost one starting here): run where it is called.
      const definition = (definedAt.get(position) ?? []).filter((each) => each !== calledIn && each.depth >= outer).sort((a, b) => a.depth - b.depth)[0];
      if (definition) {
        if (definition.depth === outer && definition.braceBody && !definition.redirected) defined.set(definition.name, definition);
        else defined.delete(definition.name);
        order.push({ definition, outer, ...(calledIn ? { calledIn } : {}), ...(callArguments ? { callArguments: true as const } : {}) });
        position = definition.end - 1;
        continue;
      }
      const command = commands[position];
      const sure = certain(position, outer, calledIn);
      const target = sure && !ended ? calledFunction(command, defined) : undefined;
      if (target && !active.includes(target.name) && active.length < MAX_CALL_DEPTH && budget >= target.end - target.first) {
        budget -= target.end - target.first;
        called.add(target);
        active.push(target.name);
        const id = calls++;
        order.push({ calls: id, position, ...(call !== undefined ? { from: call } : {}) });
        walk(target.first, target.end, target.depth + 1, target, id, callArguments || !passesArguments(command));
        active.pop();
        order.push({ returnsFrom: id });
        if (ended && call !== undefined) return;
        continue;
      }
      order.push({
        position,
        outer,
        ...(calledIn ? { calledIn } : {}),
        ...(call !== undefined ? { call } : {}),
        ...(callArguments ? { callArguments: true as const } : {}),
      });
      if (!sure || command.background) continue;
      if (endsScript(command)) ended = true;
      // In a body, `return` ends it; `exit` and `exec CMD` end the whole script.
      if (call !== undefined && (ended || headOf(command) === 'return')) return;
    }
  };
  walk(0, commands.length, 0, undefined, undefined, false);

  // A definition no call surely runs stays where it stands, its body possible commands.
  const run: (RunCommand | CallStart | CallReturn)[] = [];
  const place = (entry: (typeof order)[number]) => {
    if (!('definition' in entry)) {
      run.push(entry);
      return;
    }
    const { definition, outer, calledIn, callArguments } = entry;
    if (called.has(definition)) return;
    for (let position = definition.first; position < definition.end; position++)
      run.push({ position, outer, ...(calledIn ? { calledIn } : {}), ...(callArguments ? { callArguments } : {}) });
  };
  for (const entry of order) place(entry);
  return run;
}

/** The function a command surely calls: a plain command that names one defined (`render`, `start "$@"`). */
function calledFunction(command: ShellCommand, defined: ReadonlyMap<string, ShellFunction>): ShellFunction | undefined {
  if (command.words.length === 0 || command.redirects.length > 0 || command.pipesInto || command.background) return undefined;
  if (command.after !== undefined && command.after !== '&') return undefined;
  const name = literalText(command.words[0]);
  return name === undefined ? undefined : defined.get(name);
}

/** A call that hands its body the script's own arguments: `start "$@"`. */
function passesArguments(command: ShellCommand): boolean {
  const rest = command.words.slice(1);
  if (rest.length !== 1) return false;
  const [part, ...others] = rest[0].parts;
  return others.length === 0 && part?.kind === 'opaque' && part.quoted && /^\$(?:@|\{@\})$/.test(part.text);
}

function headOf(command: ShellCommand): string | undefined {
  return command.words[0] && literalText(command.words[0]);
}

/** `exit`, or `exec` with a command: the script's shell ends there (`exec > log` only redirects). */
function endsScript(command: ShellCommand): boolean {
  const head = headOf(command);
  return head === 'exit' || (head === 'exec' && command.words.length > 1);
}
